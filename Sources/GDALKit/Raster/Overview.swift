import CGDAL

/// A band's overview (or the band itself) read whole, as raw Float32.
public struct OverviewImage: Sendable {
    public var width: Int
    public var height: Int
    /// Row-major raw values (no scale/offset); NaN where the file's nodata is.
    public var values: [Float]
}

extension Dataset {
    /// The sizes of a band's overviews, largest first.
    public func overviewSizes(band: Int) throws -> [(width: Int, height: Int)] {
        let b = try bandHandle(band)
        return (0..<GDALGetOverviewCount(b)).compactMap { i in
            GDALGetOverview(b, i).map { (Int(GDALGetRasterBandXSize($0)), Int(GDALGetRasterBandYSize($0))) }
        }
    }

    /// Reads the smallest overview of `band` whose longer side is at least `minSide` pixels (the
    /// full-resolution band when none is that large), with the band's nodata turned into NaN.
    /// Maps and colour ramps are made from it, so they never decode the full raster.
    public func readOverview(band: Int, minSide: Int) throws -> OverviewImage {
        let size = try overviewSizes(band: band).last { max($0.width, $0.height) >= minSide } ?? (width, height)
        // A read at exactly an overview's size is served from that overview.
        return try readResampled(band: band, window: Window(width: width, height: height), width: size.width, height: size.height)
    }

    /// Reads `window` of `band` resampled (averaging) to `width` × `height` pixels, raw Float32
    /// with nodata as NaN; GDAL serves a reduced request from the best overview.
    public func readResampled(band: Int, window: Window, width: Int, height: Int) throws -> OverviewImage {
        let b = try bandHandle(band)
        var values = [Float](repeating: 0, count: width * height)
        var extra = GDALRasterIOExtraArg()
        extra.nVersion = 1
        extra.eResampleAlg = GRIORA_Average
        try values.withUnsafeMutableBytes { buf in
            try GDAL.check("read \(window) of band \(band)", path: displayName) {
                GDALRasterIOEx(b, GF_Read, Int32(window.col), Int32(window.row), Int32(window.width), Int32(window.height),
                               buf.baseAddress, Int32(width), Int32(height), GDT_Float32, 0, 0, &extra)
            }
        }
        var has: Int32 = 0
        let nodata = GDALGetRasterNoDataValue(b, &has)
        if has != 0 {
            let nd = Float(nodata)
            for i in values.indices where values[i] == nd { values[i] = .nan }
        }
        return OverviewImage(width: width, height: height, values: values)
    }
}

/// PNG images encoded by GDAL's PNG driver (through an in-memory file; nothing touches disk).
public enum PNG {
    /// Encodes RGBA pixels (row-major, 4 bytes a pixel) as a PNG file's bytes.
    public static func encode(rgba: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        precondition(rgba.count == width * height * 4, "RGBA buffer size")
        GDAL.initialize()
        let mem = "/vsimem/sinkmap-png-\(UInt64.random(in: 0...UInt64.max)).png"
        guard let memDriver = GDALGetDriverByName("MEM"), let pngDriver = GDALGetDriverByName("PNG") else {
            throw GDALError(operation: "encode PNG", path: mem, message: "GDAL lacks the MEM or PNG driver")
        }
        let src = try GDAL.make("encode PNG", path: mem) { GDALCreate(memDriver, "", Int32(width), Int32(height), 4, GDT_Byte, nil) }
        defer { GDALClose(src) }
        var plane = [UInt8](repeating: 0, count: width * height)
        for band in 0..<4 {
            for i in 0..<(width * height) { plane[i] = rgba[i * 4 + band] }
            guard let b = GDALGetRasterBand(src, Int32(band + 1)) else { continue }
            try plane.withUnsafeMutableBytes { buf in
                try GDAL.check("encode PNG", path: mem) {
                    GDALRasterIOEx(b, GF_Write, 0, 0, Int32(width), Int32(height), buf.baseAddress, Int32(width), Int32(height), GDT_Byte, 0, 0, nil)
                }
            }
        }
        let out = try GDAL.make("encode PNG", path: mem) { GDALCreateCopy(pngDriver, mem, src, 0, nil, nil, nil) }
        try GDAL.checkLastError("encode PNG", path: mem) { GDALClose(out) }
        defer { VSIUnlink(mem) }
        var length: vsi_l_offset = 0
        let bytes = try GDAL.make("encode PNG", path: mem) { VSIGetMemFileBuffer(mem, &length, 0) }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
    }
}

extension CoordinateTransform {
    /// Transforms points (x, y) in place order; throws when any point fails.
    public func transform(_ points: [SIMD2<Double>]) throws -> [SIMD2<Double>] {
        var xs = points.map(\.x), ys = points.map(\.y)
        var ok = [Int32](repeating: 0, count: points.count)
        let n = Int32(points.count)
        let done = OCTTransformEx(handle, n, &xs, &ys, nil, &ok)
        guard done != 0, ok.allSatisfy({ $0 != 0 }) else {
            throw GDALError(operation: "transform coordinates", path: "", message: GDAL.lastErrorMessage() ?? "a point could not be transformed")
        }
        return zip(xs, ys).map { SIMD2($0, $1) }
    }
}
