import CGDAL

/// A GeoTIFF being written: created tiled on a grid, filled window by window.
/// One handle; callers that write from several threads serialise on their own lock.
public final class RasterWriter {
    public let dataset: Dataset
    public let path: String
    public let bandCount: Int

    /// Creates a tiled GeoTIFF of `bands` Float32 bands with `nodata` declared on each.
    /// `compress` is a GTiff COMPRESS value ("NONE" for a fast intermediate file).
    public init(path: String, grid: Grid, bands: Int, type: PixelType = .float32, nodata: Double?,
                blockSize: Int = 256, compress: String = "DEFLATE", extraOptions: [String] = []) throws {
        GDAL.initialize()
        guard let driver = GDALGetDriverByName("GTiff") else {
            throw GDALError(operation: "create raster", path: path, message: "GDAL has no GTiff driver")
        }
        var options = ["TILED=YES", "BLOCKXSIZE=\(blockSize)", "BLOCKYSIZE=\(blockSize)", "COMPRESS=\(compress)", "BIGTIFF=IF_SAFER"]
        if bands > 1 { options.append("INTERLEAVE=BAND") }
        options += extraOptions
        let h = try GDAL.make("create raster", path: path) {
            GDAL.withStringList(options) { opts in
                GDALCreate(driver, path, Int32(grid.width), Int32(grid.height), Int32(bands), type.gdal, opts)
            }
        }
        dataset = Dataset(owning: h, path: path)
        self.path = path
        bandCount = bands
        var gt = grid.transform.gdal
        try GDAL.check("set georeferencing", path: path) { GDALSetGeoTransform(h, &gt) }
        try GDAL.check("set georeferencing", path: path) { GDALSetProjection(h, grid.crsWKT) }
        if let nodata {
            for b in 1...bands {
                let band = try dataset.bandHandle(b)
                try GDAL.check("set nodata", path: path) { GDALSetRasterNoDataValue(band, nodata) }
            }
        }
    }

    /// Writes `buffer` (row-major Float32, window.pixelCount values) into a band.
    public func write(band: Int, window: Window, from buffer: UnsafePointer<Float>) throws {
        let b = try dataset.bandHandle(band)
        try GDAL.check("write \(window) of band \(band)", path: path) {
            GDALRasterIOEx(b, GF_Write, Int32(window.col), Int32(window.row), Int32(window.width), Int32(window.height),
                           UnsafeMutableRawPointer(mutating: buffer), Int32(window.width), Int32(window.height),
                           GDT_Float32, 0, 0, nil)
        }
    }

    /// Writes `buffer` (row-major UInt32 values, window.pixelCount of them) into a band.
    public func write(band: Int, window: Window, from buffer: UnsafePointer<UInt32>) throws {
        let b = try dataset.bandHandle(band)
        try GDAL.check("write \(window) of band \(band)", path: path) {
            GDALRasterIOEx(b, GF_Write, Int32(window.col), Int32(window.row), Int32(window.width), Int32(window.height),
                           UnsafeMutableRawPointer(mutating: buffer), Int32(window.width), Int32(window.height),
                           GDT_UInt32, 0, 0, nil)
        }
    }

    /// Declares a scale factor on every band (physical = raw · scale + offset).
    public func setScale(_ scale: Double, offset: Double = 0) throws {
        for b in 1...bandCount {
            let h = try dataset.bandHandle(b)
            try GDAL.check("set scale of band \(b)", path: path) { GDALSetRasterScale(h, scale) }
            try GDAL.check("set offset of band \(b)", path: path) { GDALSetRasterOffset(h, offset) }
        }
    }

    /// Names a band and its unit (kept by GDAL's copies, e.g. into a COG).
    public func describe(band: Int, description: String, unit: String) throws {
        let h = try dataset.bandHandle(band)
        try GDAL.checkLastError("set the description of band \(band)", path: path) { GDALSetDescription(h, description) }
        try GDAL.check("set the unit of band \(band)", path: path) { GDALSetRasterUnitType(h, unit) }
    }

    /// Sets dataset metadata items (default domain), in key order.
    public func setMetadata(_ items: [String: String]) throws {
        for (key, value) in items.sorted(by: { $0.key < $1.key }) {
            try GDAL.check("set metadata \(key)", path: path) { GDALSetMetadataItem(dataset.handle, key, value, nil) }
        }
    }

    /// Flushes caches to disk; errors here are write errors (disk full, ...).
    public func flush() throws {
        // GDAL 3.6's GDALFlushCache returns nothing: a failure shows only in the error state.
        try GDAL.checkLastError("write", path: path) { GDALFlushCache(dataset.handle) }
    }
}

/// How a COG's tiles are compressed: a GDAL COMPRESS method and, optionally, its level.
public struct COGCompression: Sendable, Equatable, CustomStringConvertible {
    public var method: String
    public var level: Int?

    /// DEFLATE at level 1: every GIS reads DEFLATE whatever its level, and level 1 encodes
    /// ~30 % faster than GDAL's default 6 for files ~1.5 % larger (measured on a 9 Mpx NEP,
    /// docs/design-details.md, "Outputs").
    public static let `default` = COGCompression(method: "DEFLATE", level: 1)

    /// Levels each method accepts in GDAL 3.6 (nil: no level).
    static let levels: [String: ClosedRange<Int>?] = ["DEFLATE": 1...12, "ZSTD": 1...22, "LZW": nil, "NONE": nil]

    public init(method: String, level: Int?) {
        self.method = method
        self.level = level
    }

    /// From `deflate`, `deflate:6`, `zstd`, `zstd:9`, `lzw` or `none` (any case); nil otherwise.
    public init?(parsing text: String) {
        let parts = text.uppercased().split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let range = COGCompression.levels[String(parts[0])] else { return nil }
        method = String(parts[0])
        if parts.count == 2 {
            guard let range, let l = Int(parts[1]), range.contains(l) else { return nil }
            level = l
        } else {
            level = method == "DEFLATE" ? COGCompression.default.level : nil
        }
    }

    public var description: String { method.lowercased() + (level.map { ":\($0)" } ?? "") }

    /// The COG driver's creation options for it (a predictor for every compressed method).
    var creationOptions: [String] {
        guard method != "NONE" else { return ["COMPRESS=NONE", "OVERVIEW_COMPRESS=NONE"] }
        return ["COMPRESS=\(method)", "PREDICTOR=YES", "OVERVIEW_COMPRESS=\(method)", "OVERVIEW_PREDICTOR=YES"]
            + (level.map { ["LEVEL=\($0)"] } ?? [])
    }
}

/// Cloud-Optimized GeoTIFF output through GDAL's COG driver.
public enum COG {
    /// Copies band `band` of `source` to a COG at `path`: `compression` (DEFLATE level 1 by
    /// default) with a floating-point predictor, 512-pixel tiles, overviews by averaging down
    /// to 256 pixels or less (at least one level, even for a small raster), compression on all cores.
    public static func write(from source: Dataset, band: Int? = nil, to path: String, threads: Int? = nil,
                             compression: COGCompression = .default, extraOptions: [String] = []) throws {
        var args = ["-of", "COG", "-co", "BLOCKSIZE=512", "-co", "OVERVIEW_RESAMPLING=AVERAGE",
                    "-co", "OVERVIEW_COUNT=\(overviewCount(width: source.width, height: source.height))",
                    "-co", "NUM_THREADS=\(threads.map(String.init) ?? "ALL_CPUS")", "-co", "BIGTIFF=IF_SAFER"]
        if let band { args += ["-b", "\(band)"] }
        for o in compression.creationOptions + extraOptions { args += ["-co", o] }
        let options = try GDAL.make("set up COG writing", path: path) {
            GDAL.withStringList(args) { GDALTranslateOptionsNew($0, nil) }
        }
        defer { GDALTranslateOptionsFree(options) }
        // GDAL 3.6's COG driver first builds the overviews in a temporary GeoTIFF compressed with
        // ZSTD at GTiff's default level 9, about a third of the CPU of writing a COG. At level 1
        // the COG written is the same, byte for byte (checked for DEFLATE, LZW and NONE outputs);
        // for a ZSTD output the setting would also reach the final overviews, so it is left alone
        // then, and whenever the user set it.
        let out = try GDAL.withDefaultConfig("ZSTD_LEVEL_OVERVIEW", compression.method == "ZSTD" ? nil : "1") {
            var usage: Int32 = 0
            return try GDAL.make("write Cloud-Optimized GeoTIFF", path: path) {
                GDALTranslate(path, source.handle, options, &usage)
            }
        }
        // The COG is finished (overviews, final layout) on close, which returns nothing in GDAL 3.6.
        try GDAL.checkLastError("write Cloud-Optimized GeoTIFF", path: path) { GDALClose(out) }
    }

    /// Halvings until the longest side is at most 256 pixels; at least 1.
    public static func overviewCount(width: Int, height: Int) -> Int {
        var n = 0, side = max(width, height)
        while side > 256 {
            side = (side + 1) / 2
            n += 1
        }
        return max(n, 1)
    }
}
