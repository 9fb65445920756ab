import CGDAL
import Foundation

/// GDAL's resampling methods, by their `-r` names.
public enum Resampling: String, Sendable, CaseIterable, Codable {
    case nearest = "near", mode, bilinear, average
}

/// What the warper learns about an input relative to a grid.
public struct Footprint: Sendable {
    /// The input's extent in the grid's CRS.
    public var bounds: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)
    /// The input's pixel size expressed in the grid's CRS units.
    public var resolution: Double

    /// Whether the footprint overlaps `grid`'s extent.
    public func overlaps(_ grid: Grid) -> Bool {
        let g = grid.bounds()
        return bounds.xmin < g.xmax && bounds.xmax > g.xmin && bounds.ymin < g.ymax && bounds.ymax > g.ymin
    }
}

/// GDAL's warper, used the way sinkmap needs it: the footprint of a raster in a grid's
/// CRS, and a warped VRT of a raster onto exactly that grid. Which resampling to use and
/// how big the VRT's blocks are is the caller's policy (SinkmapGrid).
public enum Warp {
    /// The input's extent and resolution in the grid's CRS (GDALSuggestedWarpOutput2).
    public static func footprint(of ds: Dataset, in grid: Grid) throws -> Footprint {
        let transformer = try GDAL.make("transform to the grid's CRS", path: ds.displayName,
                                        fallback: "the raster's CRS cannot be transformed to the grid's") {
            GDAL.withStringList(["DST_SRS=" + grid.crsWKT]) { opts in GDALCreateGenImgProjTransformer2(ds.handle, nil, opts) }
        }
        defer { GDALDestroyGenImgProjTransformer(transformer) }
        var gt = [Double](repeating: 0, count: 6)
        var px: Int32 = 0, ln: Int32 = 0
        var extent = [Double](repeating: 0, count: 4)
        try GDAL.check("transform to the grid's CRS", path: ds.displayName) {
            GDALSuggestedWarpOutput2(ds.handle, GDALGenImgProjTransform, transformer, &gt, &px, &ln, &extent, 0)
        }
        return Footprint(bounds: (extent[0], extent[1], extent[2], extent[3]),
                         resolution: (abs(gt[1]) * abs(gt[5])).squareRoot())
    }

    /// The XML of a Float32 warped VRT of all bands of `ds` onto `grid` (NaN as its nodata),
    /// with square blocks of `blockSize`. `-et 0` makes the warper transform every pixel
    /// exactly, so a window's values do not depend on the size of the window read.
    public static func vrt(_ ds: Dataset, path: String, grid: Grid, resampling: Resampling, srcNodata: Double?,
                           blockSize: Int) throws -> String {
        let b = grid.bounds()
        var args = ["-of", "VRT", "-t_srs", grid.crsWKT,
                    "-te", "\(b.xmin)", "\(b.ymin)", "\(b.xmax)", "\(b.ymax)",
                    "-ts", "\(grid.width)", "\(grid.height)",
                    "-r", resampling.rawValue, "-et", "0", "-ot", "Float32", "-dstnodata", "nan"]
        if let nd = srcNodata { args += ["-srcnodata", "\(nd)"] }
        let memPath = "/vsimem/sinkmap-warp-\(UInt64.random(in: 0...UInt64.max)).vrt"
        let options = try GDAL.make("set up warping", path: path) { GDAL.withStringList(args) { GDALWarpAppOptionsNew($0, nil) } }
        defer { GDALWarpAppOptionsFree(options) }
        var src: GDALDatasetH? = ds.handle
        var usage: Int32 = 0
        defer { VSIUnlink(memPath) }
        let out = try GDAL.make("warp onto the target grid", path: path) { GDALWarp(memPath, nil, 1, &src, options, &usage) }
        try GDAL.checkLastError("warp onto the target grid", path: path) { GDALClose(out) }
        var length: vsi_l_offset = 0
        guard let bytes = VSIGetMemFileBuffer(memPath, &length, 0) else {
            throw GDALError(operation: "warp onto the target grid", path: path, message: "GDAL wrote no VRT")
        }
        let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: Int(length))
        return withBlockSize(String(decoding: buffer, as: UTF8.self), blockSize)
    }

    /// Sets the block size in a warped VRT's XML (gdalwarp -of VRT has no option for it).
    static func withBlockSize(_ xml: String, _ edge: Int) -> String {
        guard let x = xml.range(of: #"<BlockXSize>\d+</BlockXSize>"#, options: .regularExpression),
              let y = xml.range(of: #"<BlockYSize>\d+</BlockYSize>"#, options: .regularExpression) else { return xml }
        var out = xml
        out.replaceSubrange(y, with: "<BlockYSize>\(edge)</BlockYSize>")
        out.replaceSubrange(x, with: "<BlockXSize>\(edge)</BlockXSize>")
        return out
    }

    /// The pixel offset when `source` lies on `target`'s lattice (same CRS, same pixel size,
    /// origin a whole number of pixels away), else nil.
    public static func latticeOffset(source: Grid, target: Grid) throws -> (col: Int, row: Int)? {
        let s = source.transform, t = target.transform
        guard s.isNorthUp, t.isNorthUp else { return nil }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }
        guard close(s.pixelWidth, t.pixelWidth), close(s.pixelHeight, t.pixelHeight) else { return nil }
        let dc = (t.originX - s.originX) / s.pixelWidth
        let dr = (t.originY - s.originY) / s.pixelHeight
        guard abs(dc - dc.rounded()) < 1e-6, abs(dr - dr.rounded()) < 1e-6 else { return nil }
        if source.crsWKT != target.crsWKT {
            let a = try SpatialReference(definition: source.crsWKT)
            let b = try SpatialReference(definition: target.crsWKT)
            guard a.isSame(as: b) else { return nil }
        }
        return (Int(dc.rounded()), Int(dr.rounded()))
    }
}
