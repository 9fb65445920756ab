import Dispatch
import Foundation
import GDALKit
import SinkmapKernels
import SinkmapScene

/// How `run` is carried out.
public struct RunOptions: Sendable {
    public var outDir: String
    public var threads: Int
    /// nil: `Tiling.defaultTileSize` for the land cover's block size.
    public var tileSize: Int?
    public var overwrite: Bool
    /// Benchmark only: read every input window and write outputs, but run no science
    /// (the I/O floor). The outputs then hold input values, not results.
    public var ioOnly: Bool
    /// Written into summary.json.
    public var softwareVersion: String

    public init(outDir: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount, tileSize: Int? = nil,
                overwrite: Bool = false, ioOnly: Bool = false, softwareVersion: String = "dev") {
        self.outDir = outDir
        self.threads = max(1, threads)
        self.tileSize = tileSize
        self.overwrite = overwrite
        self.ioOnly = ioOnly
        self.softwareVersion = softwareVersion
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
}

/// The one-map pipeline: zones burnt once, tiles processed in parallel (each worker
/// with its own GDAL handles and buffers), exact partials merged, outputs written
/// into a staging directory that is renamed into place when complete.
public enum SceneRunner {
    public static let rasterNames = ["npp", "rh", "nep", "agb", "carbon"]

    public static func run(_ scene: PreparedScene, options: RunOptions, progress: Progress) throws -> RunReport {
        GDAL.initialize()
        GDAL.limitCache(megabytes: 64)  // memory stays bounded by tiles in flight
        let out = try OutputDirectory(final: options.outDir, overwrite: options.overwrite,
                                      protecting: [scene.scene.file] + scene.inputFiles.map(\.path))
        do {
            let report = try runStaged(scene, options: options, progress: progress, out: out)
            try out.commit()
            return report
        } catch {
            out.abandon()
            throw error
        }
    }

    static func runStaged(_ scene: PreparedScene, options: RunOptions, progress: Progress, out: OutputDirectory) throws -> RunReport {
        var timings: [(String, Double)] = []
        var clock = Stopwatch()
        var start = Stopwatch()

        // Input checksums run beside the tiles (not in the benchmark's I/O floor).
        let checksums = ChecksumJob(files: options.ioOnly ? [] : scene.inputFiles)
        checksums.start()

        let zoneRasters = try ZoneRasters.make(scene, in: out.staging)
        timings.append(("rasterize_zones", clock.lap()))

        let grid = scene.grid
        let blockSize = try? scene.landcover.open().bandInfo(scene.landcover.band).blockWidth
        let tileSize = options.tileSize ?? Tiling.defaultTileSize(blockSize: blockSize)
        let tiles = Tiling.tiles(of: grid, tileSize: tileSize)
        let srs = try SpatialReference(definition: grid.crsWKT)
        let area = PixelArea(grid: grid, isGeographic: scene.isGeographic, semiMajor: scene.ellipsoid.semiMajor,
                             inverseFlattening: scene.ellipsoid.inverseFlattening,
                             linearUnitMetres: scene.isGeographic ? 1 : srs.linearUnitMetres)
        let layersPath = out.file(".layers.tif")
        let layers = try RasterWriter(path: layersPath, grid: grid, bands: 5, nodata: Double(outputNodata),
                                      blockSize: 256, compress: "NONE")
        let classes = PreparedClasses(table: scene.table, options: scene.scene.options)
        let lookup = CodeLookup(table: scene.table)
        let capacity = tiles.map(\.pixelCount).max() ?? 0
        let threads = min(options.threads, max(tiles.count, 1))
        let queue = TileQueue<ZonalAccumulator>(tiles: tiles.count, workers: threads)
        let output = TileOutput(writer: layers)

        progress.message("sinkmap: \(scene.scene.name): \(grid.width)×\(grid.height) pixels, \(tiles.count) tiles of \(tileSize), \(threads) thread\(threads == 1 ? "" : "s")")
        try queue.run(workers: threads) { wi, queue in
            let worker = TileWorker(scene: scene, classes: classes, codeLookup: lookup, zoneRasters: zoneRasters,
                                    rowArea: area.rowArea, capacity: capacity)
            while let t = queue.take() {
                let w = tiles[t]
                do {
                    try worker.compute(w, runKernels: !options.ioOnly)
                    if options.ioOnly { worker.fillWithInputs(w) }
                    try output.write(worker.outputs, window: w)
                } catch {
                    queue.fail(error)
                    break
                }
                progress.update(done: queue.done(), total: tiles.count, label: "tiles")
            }
            queue.store(worker.accumulator, worker: wi)
        }
        try layers.flush()
        timings.append(("tiles", clock.lap()))

        // Merge partials (order-independent: exact integer sums).
        var acc = ZonalAccumulator(unitCount: scene.zones.finestCount)
        for a in queue.results { if let a { acc.merge(a) } }

        // COG outputs.
        for (i, name) in rasterNames.enumerated() {
            try COG.write(from: layers.dataset, band: i + 1, to: out.file("\(name).tif"), threads: threads)
        }
        try? FileManager.default.removeItem(atPath: layersPath)
        try? FileManager.default.removeItem(atPath: zoneRasters.zonesPath)
        if let r = zoneRasters.redlinePath { try? FileManager.default.removeItem(atPath: r) }
        timings.append(("write_cogs", clock.lap()))

        // Tables (not in the benchmark's I/O floor, which writes only the rasters).
        let rolled = ZonalTable.rollUp(acc, hierarchy: scene.zones)
        if !options.ioOnly {
            let rows = ZonalTable.rows(acc, hierarchy: scene.zones, hasRedline: scene.redlinePath != nil)
            try write(ZonalTable.csv(rows), to: out.file("zonal.csv"))
            try OneMapWriter.write(scene, rolled: rolled, to: out.file("onemap.gpkg"))
        }
        timings.append(("write_tables", clock.lap()))

        var total = ZoneTotals()
        for unit in rolled[0] { for part in unit { total.merge(part) } }
        let sums = try checksums.wait()
        timings.append(("total", start.lap()))
        let report = RunReport(outDir: out.final, total: total, leftOut: acc.leftOut, tiles: tiles.count,
                               tileSize: tileSize, timings: timings)
        let summary = try Summary.json(scene: scene, report: report, threads: threads, checksums: sums,
                                   version: options.softwareVersion, ioOnly: options.ioOnly)
        try write(summary, to: out.file("summary.json"))
        return report
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw GDALError(operation: "write", path: path, message: error.localizedDescription)
        }
    }
}

/// The run's intermediate output, written behind its own lock, held only while a
/// tile is copied to the (uncompressed) file.
final class TileOutput: @unchecked Sendable {
    let writer: RasterWriter
    private let lock = NSLock()

    init(writer: RasterWriter) { self.writer = writer }

    func write(_ planes: UnsafeMutablePointer<Float>, window: Window) throws {
        lock.lock(); defer { lock.unlock() }
        let n = window.pixelCount
        for b in 0..<5 { try writer.write(band: b + 1, window: window, from: planes + b * n) }
        // Write the tile's blocks now, under the lock: otherwise GDAL's cache would evict them
        // later from whichever thread needs room, and a write error would surface elsewhere.
        try writer.flush()
    }
}

/// SHA-256 of the inputs on a background thread while the tiles run.
final class ChecksumJob: @unchecked Sendable {
    let files: [InputFile]
    private var results: [(InputFile, String, Int64)] = []
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)

    init(files: [InputFile]) { self.files = files }

    func start() {
        Thread.detachNewThread { [self] in
            do {
                for f in files {
                    let s = try Checksums.sha256(path: f.path)
                    results.append((f, s.hex, s.bytes))
                }
            } catch {
                failure = error
            }
            done.signal()
        }
    }

    func wait() throws -> [(InputFile, String, Int64)] {
        done.wait()
        if let failure { throw failure }
        return results
    }
}

/// Wall-clock laps.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}
