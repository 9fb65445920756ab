import Foundation
import GDALKit
import SinkmapKernelVariants
import SinkmapScene
import SinkmapAccounting
import SinkmapArchive
import SinkmapKernels
import SinkmapSchedule
import SinkmapBase

/// The run's two public steps. `computePartials` reads, computes and accumulates any set
/// of tiles of a plan (in parallel, each worker with its own stages: `TileReader` →
/// `TileKernel` (with the `CodeLookup`) → `TileAccumulator`, outputs to the workspace's
/// `TileSink`); `finalize` turns the partials of all tiles into every output. A whole run
/// is the two in a row; a shard is the first over a range of tiles.
public enum Engine {
    /// Computes the tiles `tiles` (indices into `plan.tiles`) on `threads` workers.
    public static func computePartials(_ plan: RunPlan, tiles: [Int], workspace: RunWorkspace, threads requested: Int,
                                       progress: ProgressMeter = ProgressMeter(style: .quiet)) throws -> RunPartials {
        precondition(tiles.allSatisfy { plan.tiles.indices.contains($0) }, "tile index outside the plan")
        let scene = plan.scene
        let lookup = CodeLookup(table: scene.table)
        let capacity = plan.capacity
        let threads = RunPlan.threads(requested, tileCount: tiles.count)
        let queue = TileQueue<ZonalAccumulator>(tiles: tiles.count, workers: threads)
        try queue.run(workers: threads) { wi, queue in
            let reader = TileReader(scene: scene, capacity: capacity)
            let kernel = TileKernel(scene: scene, lookup: lookup, capacity: capacity, agbKNN: plan.agbKNN)
            let accumulator = TileAccumulator(scene: scene, layout: plan.layout, zoneRasters: workspace.zoneRasters,
                                              rowArea: plan.rowArea, capacity: capacity)
            while let t = queue.take() {
                let w = plan.tiles[tiles[t]]
                do {
                    try Interruption.check()
                    try reader.read(w, leftOut: &accumulator.leftOut)
                    kernel.run(reader, count: w.pixelCount, leftOut: &accumulator.leftOut)
                    try accumulator.add(w, kernel, canopy: reader.hasCanopy ? UnsafePointer(reader.canopy) : nil)
                    kernel.finishOutputs(count: w.pixelCount)
                    try workspace.sink.write(kernel.outputs, window: w)
                } catch {
                    queue.fail(error)
                    break
                }
                progress.update(done: queue.done(), total: tiles.count, label: "tiles")
            }
            queue.store(accumulator.partials, worker: wi)
        }
        // Exact integer sums: the merge order does not matter.
        var sums = ZonalAccumulator(layout: plan.layout, classes: scene.classSumCount, scenario: scene.scenarioLandcover != nil)
        for a in queue.results { if let a { sums.merge(a) } }
        return try RunPartials(plan: plan.key, tileCount: plan.tiles.count, tiles: tiles, sums: sums)
    }

    /// A run in which no pixel is accounted would print a table of zeros: refuse it, saying why.
    static func refuseEmpty(_ sums: ZonalAccumulator, scene: PreparedScene) throws {
        guard sums.slots.allSatisfy({ $0.pixels == 0 }) else { return }
        let lo = sums.leftOut
        let why: String
        if !lo.unknownCodes.isEmpty {
            let codes = lo.unknownCodes.keys.sorted().prefix(5).map { "\($0) (\(lo.unknownCodes[$0]!) px)" }.joined(separator: ", ")
            why = "no pixel has a land-cover code of the parameter table \(scene.scene.parameters) (codes found: \(codes)); wrong legend or wrong table?"
        } else if lo.outsideZones > 0 {
            why = "no computed pixel lies in a zone polygon"
        } else {
            why = "every land-cover pixel is nodata"
        }
        throw InputRefused(path: scene.landcover.path, band: scene.landcover.band, message: "nothing to account: " + why)
    }

    /// What `finalize` records beside the figures.
    public struct Context {
        public var threads: Int
        public var softwareVersion: String
        /// SHA-256 of the inputs (waited for only when the summary is written).
        var checksums: () throws -> [Summary.Input]
        /// Laps so far; finalize adds its own.
        public var timings: [(String, Double)]
        public var commandLine: [String]
        public var started: Date
        public var progress: ProgressMeter
        /// How the COGs are compressed (`--compress`).
        public var compression: COGCompression
        /// The shards a merge finalizes (summary.json's `shards`); nil for a whole run.
        public var shards: [Summary.ShardInfo]?

        public init(threads: Int, softwareVersion: String, checksums: @escaping () throws -> [Summary.Input] = { [] },
                    timings: [(String, Double)] = [], commandLine: [String] = CommandLine.arguments, started: Date = Date(),
                    progress: ProgressMeter = ProgressMeter(style: .quiet), compression: COGCompression = .default,
                    shards: [Summary.ShardInfo]? = nil) {
            self.compression = compression
            self.threads = threads
            self.softwareVersion = softwareVersion
            self.checksums = checksums
            self.timings = timings
            self.commandLine = commandLine
            self.started = started
            self.progress = progress
            self.shards = shards
        }
    }

    /// Writes every output of a run into `out.staging`: the COGs from the workspace's
    /// sink, `zonal.csv`, `onemap.gpkg` and `summary.json` (last). Refuses partials that
    /// do not cover every tile.
    public static func finalize(_ partials: RunPartials, plan: RunPlan, workspace: RunWorkspace, out: OutputDirectory,
                                context: Context) throws -> RunReport {
        try checkComplete(partials, plan: plan)
        // The rasters come from this workspace's sink: every tile must have been written there.
        if let missing = plan.tiles.first(where: { !workspace.sink.hasWritten($0) }) {
            throw Refusal("tile \(missing) of the outputs was not written into this workspace; finalize where the tiles were computed")
        }
        try refuseEmpty(partials.sums, scene: plan.scene)
        try workspace.sink.describe(bands: OutputLayers.bands, metadata: outputMetadata(plan.scene, version: context.softwareVersion))
        let layers = try workspace.sink.finish()
        return try writeOutputs(partials, plan: plan, layers: layers, out: out, context: context,
                                rastersWritten: { workspace.removeIntermediates() })
    }

    /// Partials of this plan, covering every tile.
    static func checkComplete(_ partials: RunPartials, plan: RunPlan) throws {
        guard partials.plan == plan.key, partials.sums.layout == plan.layout else {
            throw Refusal("the partials are of another plan (\(partials.plan), not \(plan.key))")
        }
        guard partials.isComplete else {
            throw Refusal("the partials cover \(partials.tiles.count) of \(plan.tiles.count) tiles; every tile is needed to write the outputs")
        }
    }

    /// The dataset metadata of the output rasters (the intermediate's, or a merge's VRT's).
    static func outputMetadata(_ scene: PreparedScene, version: String) -> [String: String] {
        ["SINKMAP_SCENE": scene.scene.name,
         "SINKMAP_MONTHS": scene.scene.periods.map { "\($0.month)" }.joined(separator: ","),
         "SINKMAP_VERSION": version,
         "SINKMAP_RH_MODEL": scene.scene.options.rh.name]
    }

    /// Every output from complete partials and `layers`, the five output bands on the grid
    /// (described, with the output metadata). `rastersWritten` runs once the COGs exist.
    static func writeOutputs(_ partials: RunPartials, plan: RunPlan, layers: Dataset, out: OutputDirectory,
                             context: Context, rastersWritten: () -> Void) throws -> RunReport {
        let scene = plan.scene
        var clock = Stopwatch()
        var timings = context.timings
        // Outputs: 5 COGs, the tables, the checksums and summary (a third of a run).
        let steps = OutputLayers.names.count + 2
        let progress = context.progress
        @Sendable func step(_ done: Int) { progress.update(done: done, total: steps, label: "outputs", unit: "steps") }
        step(0)
        // The one-map tables need only the partials: with more than one thread they are written
        // beside the COGs, whose last one leaves a core free, else after them.
        let sums = partials.sums
        let zonalPath = out.file("zonal.csv"), oneMapPath = out.file("onemap.gpkg")
        @Sendable func writeTables() throws -> [[[ZoneTotals]]] {
            let rolled = ZonalTable.rollUp(sums, hierarchy: scene.zones)
            let rows = ZonalTable.rows(rolled: rolled, hierarchy: scene.zones, layout: sums.layout, hasRedline: scene.redlinePath != nil)
            try OutputDirectory.write(ZonalTable.csv(rows), to: zonalPath)
            try OneMapWriter.write(scene, rolled: rolled, rows: rows, to: oneMapPath)
            return rolled
        }
        let tablesJob = context.threads > 1 ? BackgroundJob(writeTables) : nil
        // Its thread writes into the staging folder with GDAL: never leave it running behind an error.
        defer { _ = try? tablesJob?.wait() }

        let rasters = try writeRasters(layers, out: out, threads: context.threads, compression: context.compression) {
            step($0)
        }
        try Interruption.check()
        rastersWritten()
        timings.append(("write_cogs", clock.lap()))

        let rolled = try tablesJob?.wait() ?? writeTables()
        // The accounting tables, each after the outputs it reads (estimates.csv: agb.tif).
        let complete = Set(OutputLayers.names.map { "\($0).tif" } + ["zonal.csv", "onemap.gpkg"])
        let accounting = try OutputWriters.run(AccountingOutputs.writers(sums, rolled: rolled, plan: plan), after: complete, out: out)
        let stac = try CatalogueOutputs.writeStac(scene: scene, out: out, statistics: rasters.map(\.statistics),
                                                  others: ["zonal.csv", "onemap.gpkg"] + accounting + ["summary.json"],
                                                  softwareVersion: context.softwareVersion)
        timings.append(("write_tables", clock.lap()))
        step(OutputLayers.names.count + 1)

        let total = ZonalTable.sceneTotal(rolled)
        let inputs = try context.checksums()
        let elapsed = timings.map(\.1).reduce(0, +)
        timings.append(("total", elapsed + clock.lap()))
        let warnings = scene.warnings + Warnings.of(sums.leftOut, rolled: rolled, hierarchy: scene.zones) + Scenario.warnings(sums, table: scene.table)
        try writeSummary(plan: plan, sums: sums, rolled: rolled, inputs: inputs, rasters: rasters, tables: ["zonal.csv", "onemap.gpkg"] + accounting + [stac],
                         timings: timings, warnings: warnings, out: out, context: context)
        step(steps)
        try Interruption.check()
        return RunReport(outDir: out.final, total: total, leftOut: sums.leftOut, tiles: plan.tiles.count,
                         tileSize: plan.tileSize, timings: timings, warnings: warnings)
    }

    /// The five COGs from the bands of `layers`, two at a time, each from its own read-only handle
    /// (GDAL builds a COG's overviews on one thread; the second fills the other core), compression
    /// on every thread. The worker that wrote a COG then computes what only needs that COG: its
    /// STAC statistics, its QGIS style and its checksum. `written(k)` after the k-th COG.
    static func writeRasters(_ layers: Dataset, out: OutputDirectory, threads: Int, compression: COGCompression,
                             written step: @escaping @Sendable (Int) -> Void) throws -> [RasterWritten] {
        let layersPath = layers.path
        let paths = OutputLayers.names.map { out.file("\($0).tif") }, stylePaths = OutputLayers.names.map { out.file("\($0).qml") }
        let next = IndexCounter(), written = IndexCounter()
        let results = BackgroundResults<RasterWritten>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: min(2, threads)) { _ in
            do {
                let source = try Dataset(path: layersPath)
                while !results.failed, let i = next.take(below: paths.count) {
                    let r = Result {
                        try Interruption.check()
                        try COG.write(from: source, band: i + 1, to: paths[i], threads: threads, compression: compression)
                        // The STAC statistics, from the uncompressed band the COG was copied from
                        // (the same values; decoding the COG again cost ~0.4 s CPU a run).
                        return RasterWritten(statistics: try BandStatistics.compute(source, band: i + 1),
                                             style: try CatalogueOutputs.writeStyle(OutputLayers.names[i], of: paths[i], to: stylePaths[i]),
                                             cog: try Checksums.sha256(path: paths[i]), qml: try Checksums.sha256(path: stylePaths[i]))
                    }
                    results.set(i, r)
                    if case .success = r { step(written.next() + 1) }
                }
            } catch {
                while let i = next.take(below: paths.count) { results.set(i, .failure(error)) }
            }
        }
        // Slots left unset after a failure stopped the other thread count as that failure.
        while let i = next.take(below: paths.count) { results.set(i, .failure(CancellationError())) }
        return try results.values()
    }

    /// `summary.json`, last: the checksums of every output written before it (the COGs' and their
    /// styles' taken by the workers that wrote them, then `tables`), the inputs' (`inputs`), the totals.
    static func writeSummary(plan: RunPlan, sums: ZonalAccumulator, rolled: [[[ZoneTotals]]], inputs: [Summary.Input], rasters: [RasterWritten],
                             tables: [String], timings: [(String, Double)], warnings: [String], out: OutputDirectory,
                             context: Context) throws {
        var outputs = zip(OutputLayers.names, rasters).map { Summary.OutputFile(file: "\($0).tif", bytes: $1.cog.bytes, sha256: $1.cog.hex) }
            + rasters.map { Summary.OutputFile(file: $0.style, bytes: $0.qml.bytes, sha256: $0.qml.hex) }
        for name in tables {
            let sum = try Checksums.sha256(path: out.file(name))
            outputs.append(Summary.OutputFile(file: name, bytes: sum.bytes, sha256: sum.hex))
        }
        let run = Summary.RunInfo(threads: context.threads, tileSize: plan.tileSize, tiles: plan.tiles.count,
                                  commandLine: context.commandLine, started: context.started, finished: Date(),
                                  kernels: context.shards == nil ? KernelVariant.current.description : nil)
        let lcMissing = rolled[0].map(ZoneTotals.lcMissingArea).reduce(0, +)
        let summary = Summary(scene: plan.scene, total: ZonalTable.sceneTotal(rolled), lcMissingArea: lcMissing, leftOut: sums.leftOut,
                              run: run, inputs: inputs, outputs: outputs, timings: Dictionary(uniqueKeysWithValues: timings),
                              warnings: warnings, version: context.softwareVersion, shards: context.shards)
        try OutputDirectory.write(try summary.json(), to: out.file("summary.json"))
    }
}

/// What a worker computed from one COG it wrote: its STAC statistics, its style's file name,
/// and the checksums of the COG and the style.
struct RasterWritten {
    var statistics: BandStatistics
    var style: String
    var cog, qml: (hex: String, bytes: Int64)
}
