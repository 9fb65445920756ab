import Foundation
import GDALKit
import SinkmapEngine
import SinkmapScene
import Testing
import TestSupport
import SinkmapAccounting
import SinkmapArchive
import SinkmapSchedule
import SinkmapBase

/// The engine's two public steps: partials of disjoint tile sets, merged and finalized,
/// give the same bytes as one whole run; incomplete partials are refused.
@Suite(.serialized) struct StagesTests {
    static let outputs = ["npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif", "zonal.csv", "nep.qml", "stac.json"]

    func prepared() throws -> PreparedScene {
        try SceneValidator.prepare(try SceneParser.load(path: Repo.demoScene))
    }

    @Test func disjointTileSetsMergeToTheWholeRun() throws {
        let scene = try prepared()
        let dir = TempDir("stages")
        // The whole run.
        _ = try SceneRunner.run(scene, options: RunOptions(outDir: dir.file("whole"), threads: 2, tileSize: 128),
                                progress: ProgressMeter(style: .quiet))

        // The same plan computed as two shards (odd and even tiles), merged in reverse order.
        let plan = try RunPlan(scene, tileSize: 128)
        #expect(plan.tiles.count == 12)  // 512 × 384 in 128-pixel tiles
        let out = try OutputDirectory(final: dir.file("split"), overwrite: false)
        let workspace = try RunWorkspace(plan, directory: out.staging)
        let even = plan.tiles.indices.filter { $0 % 2 == 0 }, odd = plan.tiles.indices.filter { $0 % 2 == 1 }
        let a = try Engine.computePartials(plan, tiles: even, workspace: workspace, threads: 2)
        var b = try Engine.computePartials(plan, tiles: odd, workspace: workspace, threads: 1)
        #expect(!a.isComplete && a.sums != b.sums)
        // Through JSON, as a shard on another machine would hand them over.
        let aBack = try JSONDecoder().decode(RunPartials.self, from: try JSONEncoder().encode(a))
        try b.merge(aBack)
        #expect(b.isComplete && b.tiles == Array(plan.tiles.indices))
        _ = try Engine.finalize(b, plan: plan, workspace: workspace, out: out, context: .init(threads: 2, softwareVersion: "dev"))
        try out.commit()

        for name in Self.outputs {
            let whole = try Data(contentsOf: URL(fileURLWithPath: dir.file("whole/" + name)))
            let split = try Data(contentsOf: URL(fileURLWithPath: dir.file("split/" + name)))
            #expect(whole == split, "\(name) differs between the whole run and the merged halves")
        }
        // And the whole run's summary totals equal the merged partials' scene total.
        let summary = try Summary.read(path: dir.file("whole/summary.json"))
        let rolled = ZonalTable.rollUp(b.sums, hierarchy: scene.zones)
        #expect(summary.totals.pixels == Summary.Totals(ZonalTable.sceneTotal(rolled)).pixels)
        #expect(summary.totals.nppTc == Summary.Totals(ZonalTable.sceneTotal(rolled)).nppTc)
        #expect(summary.leftOut == Summary.LeftOutInfo(b.sums.leftOut))
    }

    @Test func finalizeRefusesPartialsMissingTiles() throws {
        let scene = try prepared()
        let dir = TempDir("stages")
        let plan = try RunPlan(scene, tileSize: 256)
        let out = try OutputDirectory(final: dir.file("out"), overwrite: false)
        defer { out.abandon() }
        let workspace = try RunWorkspace(plan, directory: out.staging)
        let some = try Engine.computePartials(plan, tiles: [0, 1], workspace: workspace, threads: 1)
        #expect(throws: Refusal.self) {
            _ = try Engine.finalize(some, plan: plan, workspace: workspace, out: out, context: .init(threads: 1, softwareVersion: "dev"))
        }
        #expect(!FileManager.default.fileExists(atPath: out.file("zonal.csv")))
    }
}
