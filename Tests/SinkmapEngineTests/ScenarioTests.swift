import Foundation
import GDALKit
import SinkmapEngine
import SinkmapKernels
import SinkmapScene
import Testing
import TestSupport
import SinkmapAccounting
import SinkmapSchedule

/// Issue 15, scenarios: an unchanged land cover changes nothing; a known conversion changes the
/// stock by exactly what the table's pools say.
@Suite(.serialized) struct ScenarioTests {
    /// The demo with a scenario land cover made from its own, `convert` applied to each code.
    func run(coverage: String = "exact", _ convert: @escaping (Float) -> Float) throws -> (DemoCopy, PreparedScene, String) {
        let demo = try DemoCopy("scenario")
        let ds = try Dataset(path: Repo.root + "/testdata/demo/landcover.tif")
        let grid = try ds.grid()
        var codes = [Float](repeating: 0, count: grid.pixelCount)
        try codes.withUnsafeMutableBufferPointer { try ds.read(band: 1, window: grid.window, nodata: nil, into: $0.baseAddress!) }
        try Fixtures.raster(demo.dir.file("alt.tif"), grid: grid, bands: [codes.map(convert)], type: .byte, nodata: 255)
        if coverage == "centre" { demo.edit("  levels:", "  coverage: centre\n  levels:") }
        demo.sceneText += "scenario: {landcover: alt.tif, name: test-2030}\n"
        let scene = try SceneValidator.prepare(try SceneParser.load(path: demo.scenePath))
        let out = demo.dir.file("out")
        _ = try SceneRunner.run(scene, options: RunOptions(outDir: out, threads: 2, tileSize: 128), progress: ProgressMeter(style: .quiet))
        return (demo, scene, out)
    }

    func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func identicalLandCoverChangesNothing() throws {
        let (demo, _, out) = try run { $0 }
        defer { withExtendedLifetime(demo) {} }
        // The one map under the scenario is the base one, byte for byte.
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/scenario/zonal.csv")) == Data(contentsOf: URL(fileURLWithPath: out + "/zonal.csv")))
        let delta = try rows(out + "/scenario/delta.csv")
        #expect(delta.count > 10)
        for r in delta {
            #expect(r[3] == "0" && r[4] == "0" && r[5] == "0" && r[6] == "0" && r[7] == "0" && r[8] == "0", "\(r)")
        }
        #expect(try rows(out + "/scenario/conversions.csv").isEmpty)
    }

    /// Grassland (10) becomes cropland (12), neither with a lidar allometry: with pixel-centre
    /// coverage every pixel lies wholly in one unit, so a unit's Δ stock is its grassland pixels
    /// times the difference of the two classes' table pools per pixel, as the kernel stores
    /// them (Float32) and the accumulator quantizes them: an exact integer, compared digit for digit.
    @Test func knownConversionGivesTheExactStockChange() throws {
        let (demo, scene, out) = try run(coverage: "centre") { $0 == 10 ? 12 : $0 }
        defer { withExtendedLifetime(demo) {} }
        let pools = { (code: Int) -> Double in
            let c = scene.table.classes[scene.table.index(ofCode: code)!]
            return Double(Float(c.cAbove + c.cBelow + c.cSoil + c.cDead))
        }
        let area = try RunPlan(scene, tileSize: 128).rowArea[0]
        #expect(try RunPlan(scene, tileSize: 128).rowArea.allSatisfy { $0 == area })  // a projected grid
        let perPixel = FixedPoint.quantize(pools(12) * area) - FixedPoint.quantize(pools(10) * area)
        // Grassland pixels per unit, from the base table (class 10 is the demo's only grassland).
        var grass: [String: Int128] = [:]
        for r in try rows(out + "/zonal.csv") where r[4] == "grassland" && r[5] == "all" { grass[r[0] + "|" + r[1]] = Int128(r[6])! }
        var checked = 0
        for r in try rows(out + "/scenario/delta.csv") {
            let n = grass[r[0] + "|" + r[1]] ?? 0
            #expect(r[4] == Quantity.carbon.text(n * perPixel), "\(r[0]) \(r[1]): Δ stock \(r[4]), expected \(Quantity.carbon.text(n * perPixel))")
            #expect(r[3] == Quantity.area.text(n * FixedPoint.quantize(area)))
            if n > 0 { checked += 1 }
        }
        #expect(checked >= 5)
        // Every converted pixel found a mean NEP for cropland in its unit, and got it: the
        // scenario's cropland NEP per ha equals the base's in every township.
        for r in try rows(out + "/scenario/delta.csv") { #expect(r[8] == "0") }
        let base = try rows(out + "/zonal.csv"), alt = try rows(out + "/scenario/zonal.csv")
        for r in alt where r[0] == "township" && r[4] == "farmland" && r[5] == "all" {
            let b = try #require(base.first { $0[0] == r[0] && $0[1] == r[1] && $0[4] == "farmland" && $0[5] == "all" })
            // NEP per pixel with valid NEP: farmland is cropland (12) and mosaics (14); the demo has no 14.
            let perB = Double(b[12])! / Double(b[7])!, perA = Double(r[12])! / Double(r[7])!
            #expect(abs(perA - perB) <= 1e-9 * abs(perB), "\(r[1]): \(perA) vs \(perB)")
        }
        // Both classes lack lidar, so the scenario's AGB story is the table's: carbon of the
        // scenario's farmland rows is pools(12) per pixel exactly.
        for r in alt where r[0] == "township" && r[4] == "farmland" && r[5] == "all" {
            #expect(r[13] == Quantity.carbon.text(Int128(r[6])! * FixedPoint.quantize(pools(12) * area)))
        }
    }

    /// The scenario's and the class sums travel with the partials (shards) exactly.
    @Test func partialsWithScenarioRoundTripThroughJSON() throws {
        let (demo, scene, _) = try run { $0 == 12 ? 4 : $0 }
        defer { withExtendedLifetime(demo) {} }
        let plan = try RunPlan(scene, tileSize: 256)
        try FileManager.default.createDirectory(atPath: demo.dir.file("ws"), withIntermediateDirectories: true)
        let ws = try RunWorkspace(plan, directory: demo.dir.file("ws"))
        let p = try Engine.computePartials(plan, tiles: [0, 1], workspace: ws, threads: 2)
        #expect(p.sums.scenario != nil && !(p.sums.scenario!.pairs.isEmpty) && p.sums.classSums != nil)
        let back = try JSONDecoder().decode(RunPartials.self, from: try JSONEncoder().encode(p))
        #expect(back == p)
    }
}
