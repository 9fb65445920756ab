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
        GDAL.resetError()
        let h = GDAL.withStringList(options) { opts in
            GDALCreate(driver, path, Int32(grid.width), Int32(grid.height), Int32(bands), type.gdal, opts)
        }
        guard let h else { throw GDALError.last("create raster", path: path) }
        dataset = Dataset(owning: h, path: path)
        self.path = path
        bandCount = bands
        var gt = grid.transform.gdal
        GDAL.resetError()
        guard GDALSetGeoTransform(h, &gt) == CE_None, GDALSetProjection(h, grid.crsWKT) == CE_None else {
            throw GDALError.last("set georeferencing", path: path)
        }
        if let nodata {
            for b in 1...bands {
                guard GDALSetRasterNoDataValue(GDALGetRasterBand(h, Int32(b)), nodata) == CE_None else {
                    throw GDALError.last("set nodata", path: path)
                }
            }
        }
    }

    /// Writes `buffer` (row-major Float32, window.pixelCount values) into a band.
    public func write(band: Int, window: Window, from buffer: UnsafePointer<Float>) throws {
        let b = try dataset.bandHandle(band)
        GDAL.resetError()
        let err = GDALRasterIOEx(b, GF_Write, Int32(window.col), Int32(window.row), Int32(window.width), Int32(window.height),
                                 UnsafeMutableRawPointer(mutating: buffer), Int32(window.width), Int32(window.height),
                                 GDT_Float32, 0, 0, nil)
        if err != CE_None { throw GDALError.last("write \(window) of band \(band)", path: path) }
    }

    /// Declares a scale factor on every band (physical = raw · scale + offset).
    public func setScale(_ scale: Double, offset: Double = 0) throws {
        for b in 1...bandCount {
            let h = try dataset.bandHandle(b)
            GDALSetRasterScale(h, scale)
            GDALSetRasterOffset(h, offset)
        }
    }

    /// Flushes caches to disk; errors here are write errors (disk full, ...).
    public func flush() throws {
        GDAL.resetError()
        GDALFlushCache(dataset.handle)
        if CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal {
            throw GDALError.last("write", path: path)
        }
    }
}

/// Cloud-Optimized GeoTIFF output through GDAL's COG driver.
public enum COG {
    /// Copies band `band` of `source` to a COG at `path`: DEFLATE with a floating-point
    /// predictor, 512-pixel tiles, overviews by averaging down to 256 pixels or less
    /// (at least one level, even for a small raster), compression on all cores.
    public static func write(from source: Dataset, band: Int? = nil, to path: String, threads: Int? = nil,
                             extraOptions: [String] = []) throws {
        var args = ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=YES", "-co", "BLOCKSIZE=512",
                    "-co", "OVERVIEW_RESAMPLING=AVERAGE", "-co", "OVERVIEW_COMPRESS=DEFLATE", "-co", "OVERVIEW_PREDICTOR=YES",
                    "-co", "OVERVIEW_COUNT=\(overviewCount(width: source.width, height: source.height))",
                    "-co", "NUM_THREADS=\(threads.map(String.init) ?? "ALL_CPUS")", "-co", "BIGTIFF=IF_SAFER"]
        if let band { args += ["-b", "\(band)"] }
        for o in extraOptions { args += ["-co", o] }
        GDAL.resetError()
        let options = GDAL.withStringList(args) { GDALTranslateOptionsNew($0, nil) }
        guard let options else { throw GDALError.last("set up COG writing", path: path) }
        defer { GDALTranslateOptionsFree(options) }
        var usage: Int32 = 0
        guard let out = GDALTranslate(path, source.handle, options, &usage) else {
            throw GDALError.last("write Cloud-Optimized GeoTIFF", path: path)
        }
        GDAL.resetError()
        GDALClose(out)
        if let msg = GDAL.lastErrorMessage(), CPLGetLastErrorType() == CE_Failure {
            throw GDALError(operation: "write Cloud-Optimized GeoTIFF", path: path, message: msg)
        }
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
