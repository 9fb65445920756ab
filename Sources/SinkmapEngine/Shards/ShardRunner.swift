import Foundation
import GDALKit
import SinkmapScene
import SinkmapArchive
import SinkmapSchedule
import SinkmapBase

/// `sinkmap run SCENE --shard K/N --out SHARDDIR`: the K-th range of tiles computed as in a
/// run, the shard's rows of the five output bands written to `layers.tif` and its exact
/// partials to `shard.json`. The directory is staged and renamed into place like a run's.
public enum ShardRunner {
    public static func run(_ scene: PreparedScene, shard: ShardSpec, options: RunOptions, progress: ProgressMeter) throws -> ShardManifest {
        GDAL.initialize()
        GDAL.limitCache(megabytes: 64)
        let out = try OutputDirectory(final: options.outDir, overwrite: options.overwrite,
                                      protecting: [scene.scene.file] + scene.inputFiles.map(\.path))
        return try out.complete { out in
            let manifest = try runStaged(scene, shard: shard, options: options, progress: progress, out: out)
            return manifest
        }
    }

    static func runStaged(_ scene: PreparedScene, shard: ShardSpec, options: RunOptions, progress: ProgressMeter,
                          out: OutputDirectory) throws -> ShardManifest {
        var clock = Stopwatch()
        let plan = try RunPlan(scene, tileSize: options.tileSize)
        let range = shard.tiles(of: plan.tiles.count)
        // More shards than tiles would leave some shards without a tile: refused for every K.
        guard shard.count <= plan.tiles.count, let area = ShardSpec.area(of: range, tiles: plan.tiles, grid: scene.grid) else {
            throw Refusal("--shard \(shard): the scene has only \(plan.tiles.count) tiles of \(plan.tileSize) px, fewer than \(shard.count) shards; use at most \(plan.tiles.count) shards or a smaller --tile-size")
        }
        let threads = RunPlan.threads(options.threads, tileCount: range.count)
        try SceneRunner.checkMemory(plan, threads: threads, budgetMiB: options.memoryBudgetMiB)
        let fingerprint = try ShardManifest.fingerprint(scene)
        let partials: RunPartials
        var timings: [String: Double] = ["fingerprint": clock.lap()]
        do {
            let workspace = try RunWorkspace(plan, directory: out.staging, sinkArea: area,
                                             sinkPath: out.file(ShardManifest.pieceName))
            timings["rasterize_zones"] = clock.lap()
            progress.message("sinkmap: \(scene.scene.name): shard \(shard), tiles \(range.lowerBound)..<\(range.upperBound) of \(plan.tiles.count) (rows \(area.row)..<\(area.rowEnd)), \(threads) thread\(threads == 1 ? "" : "s")")
            partials = try Engine.computePartials(plan, tiles: Array(range), workspace: workspace, threads: threads, progress: progress)
            _ = try workspace.sink.finish()
            workspace.removeIntermediates(keepingSink: true)
            timings["tiles"] = clock.lap()
        }
        timings["total"] = timings.values.reduce(0, +)
        let manifest = ShardManifest(
            software: ShardManifest.software(version: options.softwareVersion),
            scene: Summary.SceneInfo(name: scene.scene.name, file: scene.scene.file),
            sceneFingerprint: fingerprint, plan: plan.key, tileSize: plan.tileSize, tileCount: plan.tiles.count,
            shard: shard, tiles: [range.lowerBound, range.upperBound], area: [area.col, area.row, area.width, area.height],
            host: ProcessInfo.processInfo.hostName, commandLine: options.commandLine, timingsSeconds: timings,
            partials: partials)
        try OutputDirectory.write(try manifest.json(), to: out.file(ShardManifest.fileName))
        return manifest
    }
}
