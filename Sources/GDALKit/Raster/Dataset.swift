import CGDAL

/// What GDAL says about one band.
public struct BandInfo: Equatable, Sendable {
    public var index: Int
    public var type: PixelType
    public var nodata: Double?
    public var scale: Double
    public var offset: Double
    public var blockWidth: Int
    public var blockHeight: Int
    public var description: String
}

/// A GDAL raster dataset opened read-only (or created for writing by `RasterWriter`).
///
/// A handle is never shared between threads (GDAL 3.6 is not thread-safe per
/// handle): each worker opens its own `Dataset`. The type is deliberately not `Sendable`.
public final class Dataset {
    let handle: GDALDatasetH
    /// The path (or VRT text) it was opened from.
    public let path: String
    /// A short name for messages (the path, or "warped VRT of <source>").
    public let displayName: String

    /// Opens a raster read-only. `path` may also be a VRT XML text.
    public init(path: String, displayName: String? = nil) throws {
        GDAL.initialize()
        let name = displayName ?? path
        handle = try GDAL.make("open raster", path: name, fallback: "not a raster GDAL can open") {
            GDALOpenEx(path, UInt32(GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        self.path = path
        self.displayName = name
    }

    /// Wraps a handle this object now owns.
    init(owning handle: GDALDatasetH, path: String) {
        self.handle = handle
        self.path = path
        self.displayName = path
    }

    deinit { GDALClose(handle) }

    public var width: Int { Int(GDALGetRasterXSize(handle)) }
    public var height: Int { Int(GDALGetRasterYSize(handle)) }
    public var bandCount: Int { Int(GDALGetRasterCount(handle)) }
    public var driverName: String {
        guard let d = GDALGetDatasetDriver(handle) else { return "" }
        return String(cString: GDALGetDriverShortName(d))
    }

    /// The geotransform, nil when the dataset has none.
    public var geoTransform: GeoTransform? {
        var c = [Double](repeating: 0, count: 6)
        guard GDALGetGeoTransform(handle, &c) == CE_None else { return nil }
        return GeoTransform(gdal: c)
    }

    /// The CRS as WKT ("" when none).
    public var crsWKT: String {
        guard let p = GDALGetProjectionRef(handle) else { return "" }
        return String(cString: p)
    }

    /// The dataset's grid; throws when it has no geotransform or CRS.
    public func grid() throws -> Grid {
        guard let t = geoTransform else {
            throw GDALError(operation: "read georeferencing", path: displayName, message: "the raster has no geotransform")
        }
        let wkt = crsWKT
        guard !wkt.isEmpty else {
            throw GDALError(operation: "read georeferencing", path: displayName, message: "the raster has no coordinate reference system; assign the right one, e.g. gdal_edit.py -a_srs EPSG:4326 FILE (or gdal_translate -a_srs)")
        }
        return Grid(crsWKT: wkt, transform: t, width: width, height: height)
    }

    func bandHandle(_ index: Int) throws -> GDALRasterBandH {
        guard index >= 1, index <= bandCount, let b = GDALGetRasterBand(handle, Int32(index)) else {
            throw GDALError(operation: "open band", path: displayName,
                            message: "band \(index) does not exist (the raster has \(bandCount) band\(bandCount == 1 ? "" : "s"))")
        }
        return b
    }

    public func bandInfo(_ index: Int) throws -> BandInfo {
        let b = try bandHandle(index)
        var has: Int32 = 0
        let nd = GDALGetRasterNoDataValue(b, &has)
        var hasScale: Int32 = 0, hasOffset: Int32 = 0
        let scale = GDALGetRasterScale(b, &hasScale)
        let offset = GDALGetRasterOffset(b, &hasOffset)
        var bw: Int32 = 0, bh: Int32 = 0
        GDALGetBlockSize(b, &bw, &bh)
        let desc = GDALGetDescription(b).map { String(cString: $0) } ?? ""
        return BandInfo(index: index, type: PixelType(GDALGetRasterDataType(b)),
                        nodata: has != 0 ? nd : nil,
                        scale: hasScale != 0 ? scale : 1, offset: hasOffset != 0 ? offset : 0,
                        blockWidth: Int(bw), blockHeight: Int(bh), description: desc)
    }

    /// Reads a window of a band as raw Float32 values (no scaling, no nodata handling).
    /// `buffer` must hold `window.pixelCount` values, row-major.
    public func readRaw(band: Int, window: Window, into buffer: UnsafeMutablePointer<Float>) throws {
        try readRaw(band: band, window: window, type: .float32, into: UnsafeMutableRawPointer(buffer))
    }

    /// A sample of a band as raw Float32, for plausibility checks that must not decode every
    /// pixel: the whole band when it has at most 256 × 256 pixels, otherwise 16 windows of
    /// 32 × 32 on a 4 × 4 lattice over it (each touches one or a few blocks).
    public func sample(band: Int) throws -> [Float] {
        if width * height <= 256 * 256 {
            var out = [Float](repeating: 0, count: width * height)
            try out.withUnsafeMutableBufferPointer { try readRaw(band: band, window: Window(width: width, height: height), into: $0.baseAddress!) }
            return out
        }
        let edge = 32
        var out: [Float] = []
        var buffer = [Float](repeating: 0, count: edge * edge)
        for i in 0..<4 {
            for j in 0..<4 {
                let w = Window(col: min(width - min(edge, width), (width * (2 * j + 1)) / 8), row: min(height - min(edge, height), (height * (2 * i + 1)) / 8),
                               width: min(edge, width), height: min(edge, height))
                try buffer.withUnsafeMutableBufferPointer { try readRaw(band: band, window: w, into: $0.baseAddress!) }
                out += buffer.prefix(w.pixelCount)
            }
        }
        return out
    }

    /// Reads a window of a band as raw values of `type` (e.g. `.uint32` zone ids) into `buffer`.
    public func readRaw(band: Int, window: Window, type: PixelType, into buffer: UnsafeMutableRawPointer) throws {
        let b = try bandHandle(band)
        try GDAL.check("read \(window) of band \(band)", path: displayName) {
            GDALRasterIOEx(b, GF_Read, Int32(window.col), Int32(window.row), Int32(window.width), Int32(window.height),
                           buffer, Int32(window.width), Int32(window.height), type.gdal, 0, 0, nil)
        }
    }

    /// Reads a window of a band into Float32 physical values: `raw * scale + offset`,
    /// with NaN wherever the raw value equals `nodata` or is NaN. Values outside the
    /// dataset (the window may extend past its edges) are NaN.
    public func read(band: Int, window: Window, scale: Double = 1, offset: Double = 0, nodata: Double?,
                     into buffer: UnsafeMutablePointer<Float>) throws {
        try readPlanes(bands: [band], window: window, into: buffer)
        RasterValues.toPhysical(buffer, count: window.pixelCount, scale: Float(scale), offset: Float(offset),
                                nodata: nodata.map { Float($0) })
    }

    /// Reads a window of several bands as raw Float32 into consecutive planes of
    /// `window.pixelCount` values, in one GDAL request (a warped VRT then warps each
    /// block once for all bands). Pixels outside the dataset are NaN.
    public func readPlanes(bands: [Int], window: Window, into buffer: UnsafeMutablePointer<Float>) throws {
        let n = window.pixelCount
        for b in bands { _ = try bandHandle(b) }
        let full = Window(width: width, height: height)
        guard let inside = window.intersection(full) else {
            buffer.update(repeating: .nan, count: n * bands.count)
            return
        }
        if inside != window { buffer.update(repeating: .nan, count: n * bands.count) }
        let start = buffer + (inside.row - window.row) * window.width + (inside.col - window.col)
        let stride = MemoryLayout<Float>.stride
        var map = bands.map { Int32($0) }
        let list = bands.count == 1 ? "band \(bands[0])" : "bands \(bands.map(String.init).joined(separator: ","))"
        try GDAL.check("read \(window) of \(list)", path: displayName) {
            GDALDatasetRasterIOEx(handle, GF_Read, Int32(inside.col), Int32(inside.row), Int32(inside.width), Int32(inside.height),
                                  start, Int32(inside.width), Int32(inside.height), GDT_Float32,
                                  Int32(map.count), &map, Int64(stride), Int64(stride * window.width), Int64(stride * n), nil)
        }
    }
}
