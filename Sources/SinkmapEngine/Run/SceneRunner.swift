import Foundation
import GDALKit
import SinkmapScene
import SinkmapAccounting
import SinkmapArchive
import SinkmapSchedule
import SinkmapBase

/// How `run` is carried out.
public struct RunOptions: Sendable {
    public var outDir: String
    public var threads: Int
    /// nil: `Tiling.defaultTileSize` for the land cover's block size.
    public var tileSize: Int?
    public var overwrite: Bool
    /// Written into summary.json.
    public var softwareVersion: String
    /// The command line that started the run (summary.json).
    public var commandLine: [String]
    /// Memory the run may use for its tile buffers and GDAL's cache, MiB.
    public var memoryBudgetMiB: Int
    /// How the output COGs are compressed.
    public var compression: COGCompression

    public init(outDir: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount, tileSize: Int? = nil,
                overwrite: Bool = false, softwareVersion: String = "dev", commandLine: [String] = CommandLine.arguments,
                memoryBudgetMiB: Int = 1024, compression: COGCompression = .default) {
        self.compression = compression
        self.outDir = outDir
        self.threads = max(1, threads)
        self.tileSize = tileSize
        self.overwrite = overwrite
        self.softwareVersion = softwareVersion
        self.commandLine = commandLine
        self.memoryBudgetMiB = memoryBudgetMiB
    }
}

/// What a finished run reports.
public struct RunReport: Sendable {
    public var outDir: String
    public var total: ZoneTotals
    public var leftOut: LeftOut
    public var tiles: Int
    public var tileSize: Int
    public var timings: [(String, Double)]
    /// Data left out that a reader of the totals must know (printed on stderr).
    public var warnings: [String]
}

/// `sinkmap run`: the output directory staged, zones burnt once, every tile computed
/// (`Engine.computePartials`), the outputs written (`Engine.finalize`), and the directory
/// renamed into place when complete.
public enum SceneRunner {
    public static func run(_ scene: PreparedScene, options: RunOptions, progress: ProgressMeter) throws -> RunReport {
        GDAL.initialize()
        GDAL.limitCache(megabytes: 64)  // memory stays bounded by tiles in flight
        let plots = try Estimates.plots(scene)  // bad plots are refused before anything is written
        let out = try OutputDirectory(final: options.outDir, overwrite: options.overwrite,
                                      protecting: [scene.scene.file] + scene.inputFiles.map(\.path))
        return try out.complete { out in
            let report = try runStaged(scene, plots: plots, options: options, progress: progress, out: out)
            return report
        }
    }

    /// Refuses tile buffers plus GDAL's cache above the memory budget, with the figure.
    static func checkMemory(_ plan: RunPlan, threads: Int, budgetMiB: Int) throws {
        let need = plan.memoryEstimate(threads: threads)
        if need > budgetMiB << 20 {
            throw Refusal("tiles of \(plan.tileSize) px on \(threads) thread\(threads == 1 ? "" : "s") need about \(need >> 20) MiB (tile buffers and GDAL's cache), above the memory budget of \(budgetMiB) MiB; use a smaller --tile-size or fewer --threads, or raise --memory")
        }
    }

    static func runStaged(_ scene: PreparedScene, plots: [FieldPlot], options: RunOptions, progress: ProgressMeter,
                          out: OutputDirectory) throws -> RunReport {
        let started = Date()
        var clock = Stopwatch()
        // Input checksums run beside the tiles.
        let checksums = ChecksumJob.start(files: scene.inputFiles)

        let plan = try RunPlan(scene, tileSize: options.tileSize, plots: plots)
        let threads = RunPlan.threads(options.threads, tileCount: plan.tiles.count)
        try checkMemory(plan, threads: threads, budgetMiB: options.memoryBudgetMiB)
        let workspace = try RunWorkspace(plan, directory: out.staging)
        var timings = [("rasterize_zones", clock.lap())]

        let grid = scene.grid
        let asked = threads == options.threads ? "" : " (\(options.threads) asked; \(ProcessInfo.processInfo.activeProcessorCount) cores, \(plan.tiles.count) tiles)"
        progress.message("sinkmap: \(scene.scene.name): \(grid.width)×\(grid.height) pixels, \(plan.tiles.count) tiles of \(plan.tileSize), \(threads) thread\(threads == 1 ? "" : "s")\(asked)")
        let partials = try Engine.computePartials(plan, tiles: Array(plan.tiles.indices), workspace: workspace,
                                                  threads: threads, progress: progress)
        timings.append(("tiles", clock.lap()))
        return try Engine.finalize(partials, plan: plan, workspace: workspace, out: out,
                                   context: .init(threads: threads, softwareVersion: options.softwareVersion,
                                                  checksums: checksums.wait, timings: timings,
                                                  commandLine: options.commandLine, started: started, progress: progress,
                                                  compression: options.compression))
    }
}
