import Foundation
import SinkmapBase
import GDALKit
import SinkmapGrid
import SinkmapKernels
import SinkmapArchive
import SinkmapSchedule

/// What `sinkmap composite` is asked to do.
public struct CompositeOptions: Sendable {
    public var inputs: [String]
    public var year: Int
    public var outDir: String
    /// The output grid is this raster's, or (`gridScene`) this scene file's; neither: the first
    /// acquisition's red band's.
    public var like: String?
    public var gridScene: String?
    public var method: CompositeMethod
    public var sensor: SensorChoice
    public var threads: Int
    public var overwrite: Bool
    /// Tile edge in pixels; nil: from the first acquisition's block size (`Tiling.defaultTileSize`),
    /// so a tile reads whole blocks and each block is decoded once.
    public var tileSize: Int?
    public var softwareVersion: String

    public init(inputs: [String], year: Int, outDir: String, like: String? = nil, gridScene: String? = nil, method: CompositeMethod = .maxNDVI,
                sensor: SensorChoice = .auto, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                overwrite: Bool = false, tileSize: Int? = nil, softwareVersion: String) {
        self.inputs = inputs
        self.year = year
        self.outDir = outDir
        self.like = like
        self.gridScene = gridScene
        self.method = method
        self.sensor = sensor
        self.threads = threads
        self.overwrite = overwrite
        self.tileSize = tileSize
        self.softwareVersion = softwareVersion
    }
}

/// Monthly NDVI composites of raw acquisitions (issue 21): every acquisition brought onto the
/// output grid through `Aligner` (bilinear for reflectance, nearest for QA/SCL), masked and
/// scaled per sensor, composited per pixel and month, empty months filled in time, written
/// tile by tile by all threads into `ndvi.tif`, `clear.tif` and `composite.json`.
public enum CompositeRunner {
    /// The nodata value of `ndvi.tif`.
    public static let nodata = -9999.0

    public static func run(_ o: CompositeOptions, progress: ProgressMeter) throws -> CompositeReport {
        GDAL.initialize()
        let catalog = try AcquisitionCatalog.scan(o.inputs, year: o.year, sensor: o.sensor)
        guard !catalog.acquisitions.isEmpty else {
            throw Refusal("no acquisition dated \(o.year) among the inputs (\(catalog.outsideYear.count) from other years)")
        }
        let grid = try CompositeGrid.resolve(like: o.like, scene: o.gridScene, first: catalog.acquisitions[0])
        guard grid.transform.isNorthUp else {
            throw Refusal("\(o.like ?? o.gridScene ?? catalog.acquisitions[0].red): the output grid must be north-up (no rotation)")
        }
        // GDAL's default cache (5 % of RAM) would grow with the acquisitions; tiles read whole blocks.
        GDAL.limitCache(megabytes: 256)
        var o = o
        if o.tileSize == nil {
            let info = try Dataset(path: catalog.acquisitions[0].red).bandInfo(1)
            o.tileSize = Tiling.defaultTileSize(blockWidth: info.blockWidth, blockHeight: info.blockHeight)
        }
        let aligner = Aligner()
        let plan = try catalog.acquisitions.map { a in
            AlignedAcquisition(
                acquisition: a,
                red: try aligner.align(path: a.red, band: 1, kind: .continuous, grid: grid, scale: 1, offset: 0, resampling: .bilinear),
                nir: try aligner.align(path: a.nir, band: 1, kind: .continuous, grid: grid, scale: 1, offset: 0, resampling: .bilinear),
                qa: try aligner.align(path: a.qa, band: 1, kind: .categorical, grid: grid, scale: 1, offset: 0, resampling: .nearest))
        }
        let byMonth = (1...12).map { m in plan.indices.filter { plan[$0].acquisition.month == m } }
        let inputFiles = catalog.acquisitions.flatMap { [$0.red, $0.nir, $0.qa] }
        let out = try OutputDirectory(final: o.outDir, overwrite: o.overwrite, protecting: inputFiles)
        return try out.complete { out in
            let report = try compute(o, plan: plan, byMonth: byMonth, grid: grid, catalog: catalog, out: out, progress: progress)
            return report
        }
    }

    static func compute(_ o: CompositeOptions, plan: [AlignedAcquisition], byMonth: [[Int]], grid: Grid,
                        catalog: AcquisitionCatalog, out: OutputDirectory, progress: ProgressMeter) throws -> CompositeReport {
        let tileSize = o.tileSize ?? 256
        let tiles = Tiling.tiles(of: grid, tileSize: tileSize)
        let workers = Workers.count(o.threads, items: tiles.count)
        let sink = try CompositeSink(ndviPath: out.file(".ndvi.tmp.tif"), clearPath: out.file(".clear.tmp.tif"), grid: grid)
        let tilePixels = min(tileSize * tileSize, grid.pixelCount)
        // The inputs' SHA-256 on a background thread while the tiles run.
        let inputPaths = plan.flatMap { [$0.acquisition.red, $0.acquisition.nir, $0.acquisition.qa] }
        let checksums = BackgroundJob {
            try inputPaths.map { path in
                let s = try Checksums.sha256(path: path)
                return CompositeReport.Input(path: path, bytes: s.bytes, sha256: s.hex)
            }
        }
        progress.message("Compositing \(plan.count) acquisitions (\(catalog.outsideYear.count) outside \(o.year) ignored) onto \(grid.width)×\(grid.height) pixels, \(tiles.count) tiles, \(workers) threads")
        let counts = try composite(tiles, plan: plan, byMonth: byMonth, method: o.method, tilePixels: tilePixels, workers: workers,
                                   sink: sink, progress: progress)
        let months = (1...12).map { String(format: "%04d-%02d", o.year, $0) }
        try writeRasters(sink, months: months, options: o, out: out, progress: progress)
        let report = CompositeReport(
            year: o.year, method: o.method.rawValue,
            grid: .init(width: grid.width, height: grid.height, geotransform: grid.transform.gdal, crs: grid.crsWKT),
            months: monthReports(months, plan: plan, byMonth: byMonth, counts: counts, pixels: grid.pixelCount),
            ignoredOutsideYear: .init(count: catalog.outsideYear.count, acquisitions: catalog.outsideYear.map { "\($0.id) (\($0.date))" }),
            scaling: Dictionary(plan.map { ($0.acquisition.qaType.rawValue, $0.acquisition.redScaling.description) }, uniquingKeysWith: { a, _ in a }),
            inputs: try checksums.wait(),
            software: .init(name: "sinkmap", version: o.softwareVersion, gdal: GDAL.version))
        try OutputDirectory.write(report.json(), to: out.file("composite.json"))
        return report
    }

    /// Every tile composited on `workers` threads into the sink; the clear and filled counts.
    static func composite(_ tiles: [Window], plan: [AlignedAcquisition], byMonth: [[Int]], method: CompositeMethod, tilePixels: Int,
                          workers: Int, sink: CompositeSink, progress: ProgressMeter) throws -> CompositeCounts {
        let queue = TileQueue<CompositeCounts>(tiles: tiles.count, workers: workers)
        let reads = IndexCounter()
        let totalReads = tiles.count * plan.count
        try queue.run(workers: workers) { w, q in
            let worker = CompositeWorker(plan: plan, byMonth: byMonth, method: method, tilePixels: tilePixels)
            var counts = CompositeCounts(acquisitions: plan.count)
            while let t = q.take() {
                do {
                    try Interruption.check()
                    try worker.process(tiles[t], sink: sink, counts: &counts) {
                        progress.update(done: reads.next() + 1, total: totalReads, label: "composite", unit: "acquisition tiles")
                    }
                    _ = q.done()
                } catch {
                    q.fail(error)
                }
            }
            q.store(counts, worker: w)
        }
        var counts = CompositeCounts(acquisitions: plan.count)
        for r in queue.results { if let r { counts.add(r) } }
        return counts
    }

    /// The two intermediates described and flushed, then copied to `ndvi.tif` and `clear.tif`.
    static func writeRasters(_ sink: CompositeSink, months: [String], options o: CompositeOptions, out: OutputDirectory,
                             progress: ProgressMeter) throws {
        for (i, m) in months.enumerated() {
            try sink.ndvi.describe(band: i + 1, description: m, unit: "")
            try sink.clear.describe(band: i + 1, description: m, unit: "clear observations")
        }
        let meta = ["SINKMAP_COMPOSITE_METHOD": o.method.rawValue, "SINKMAP_COMPOSITE_YEAR": "\(o.year)",
                    "SINKMAP_VERSION": o.softwareVersion]
        try sink.ndvi.setMetadata(meta)
        try sink.clear.setMetadata(meta)
        try sink.ndvi.flush()
        try sink.clear.flush()
        progress.message("Writing ndvi.tif and clear.tif")
        // The two COGs side by side: GDAL reads each source and builds its overviews on one
        // thread, so the second fills what the first leaves idle (48 acquisitions of 3000²:
        // 0.7 s less than one after the other, the same files).
        let paths = [out.file("ndvi.tif"), out.file("clear.tif")]
        let threads = o.threads
        let results = BackgroundResults<Void>(count: 2)
        let write: @Sendable (Int) -> Void = { [sink] k in
            // Each thread reads its own intermediate dataset only.
            results.set(k, Result { try COG.write(from: k == 0 ? sink.ndvi.dataset : sink.clear.dataset, to: paths[k], threads: threads) })
        }
        if threads >= 2 {
            DispatchQueue.concurrentPerform(iterations: 2, execute: write)
        } else {
            for k in 0..<2 { write(k) }
        }
        _ = try results.values()
        for f in [".ndvi.tmp.tif", ".clear.tmp.tif"] { try? FileManager.default.removeItem(atPath: out.file(f)) }
    }

    /// Per month: its acquisitions with their clear pixels, and the pixels filled and left nodata.
    static func monthReports(_ months: [String], plan: [AlignedAcquisition], byMonth: [[Int]], counts: CompositeCounts,
                             pixels: Int) -> [CompositeReport.Month] {
        let total = Double(pixels)
        return months.enumerated().map { i, m in
            CompositeReport.Month(
                month: m,
                acquisitions: byMonth[i].map { k in
                    let a = plan[k].acquisition
                    return .init(id: a.id, date: a.date, sensor: a.qaType == .landsatQAPixel ? "landsat-c2-l2" : "sentinel2-l2a",
                                 clearPixels: counts.clear[k], clearShare: Double(counts.clear[k]) / total)
                },
                pixelsFilled: counts.filled[i], pixelsNodata: counts.nodata[i])
        }
    }
}
