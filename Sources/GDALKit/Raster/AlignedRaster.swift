import CGDAL
import Foundation

/// How an input is resampled onto the target grid.
public enum Resampling: String, Sendable, CaseIterable {
    case nearest = "near", mode, bilinear, average
}

/// Whether an input holds class codes or a continuous quantity (chooses the resampling).
public enum InputKind: Sendable {
    case categorical, continuous
}

/// One band of an input raster brought onto a target grid, described as a value that
/// any thread can open. Either the input already lies on the grid (same CRS, same
/// pixel size, pixel-aligned origin: read directly at an offset) or a warped VRT,
/// built once by GDAL's warper (`GDALWarp -of VRT`), re-projects and resamples it
/// block by block whenever a window is read.
public struct AlignedRaster: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Read the file directly; grid pixel (c, r) is file pixel (c + colOffset, r + rowOffset).
        case direct(colOffset: Int, rowOffset: Int)
        /// Read through this warped VRT (XML text), which has the target grid's size.
        case warped(vrt: String, resampling: Resampling)
    }

    /// Absolute path of the input file.
    public var path: String
    public var band: Int
    public var scale: Double
    public var offset: Double
    /// The nodata value of the raw band (file's or the scene's override); nil when none.
    public var nodata: Double?
    public var source: Source
    public var grid: Grid

    /// The GDAL open string: the file for direct reads, the VRT text otherwise.
    public var openString: String {
        switch source {
        case .direct: return path
        case .warped(let vrt, _): return vrt
        }
    }

    public var resamplingDescription: String {
        switch source {
        case .direct: return "on grid"
        case .warped(_, let r): return r.rawValue == "near" ? "nearest" : r.rawValue
        }
    }

    /// Opens a handle for the calling thread.
    public func open() throws -> Dataset {
        switch source {
        case .direct: return try Dataset(path: path)
        case .warped(let vrt, _): return try Dataset(path: vrt, displayName: path)
        }
    }

    /// Reads a window of the target grid into physical Float32 values (NaN = nodata),
    /// through a handle opened by `open()` on this thread.
    public func read(_ window: Window, from dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) throws {
        try AlignedRaster.read([self], window, from: dataset, into: buffer)
    }

    /// Reads several bands of one input (all with the same `openString`) in one request,
    /// into consecutive planes of `window.pixelCount` values, as physical values.
    public static func read(_ rasters: [AlignedRaster], _ window: Window, from dataset: Dataset,
                            into buffer: UnsafeMutablePointer<Float>) throws {
        guard let first = rasters.first else { return }
        precondition(rasters.allSatisfy { $0.openString == first.openString }, "one request reads one input")
        let n = window.pixelCount
        var w = window
        if case .direct(let dc, let dr) = first.source {
            w = Window(col: window.col + dc, row: window.row + dr, width: window.width, height: window.height)
        }
        try dataset.readPlanes(bands: rasters.map(\.band), window: w, into: buffer)
        for (i, r) in rasters.enumerated() {
            // A warped VRT is Float32 with NaN as its nodata: the warper already masked the source nodata.
            let nodata: Double? = { if case .direct = r.source { return r.nodata } else { return nil } }()
            RasterValues.toPhysical(buffer + i * n, count: n, scale: Float(r.scale), offset: Float(r.offset),
                                    nodata: nodata.map { Float($0) })
        }
    }
}

/// What the warper learns about an input relative to a grid.
public struct Footprint: Sendable {
    /// The input's extent in the grid's CRS.
    public var bounds: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)
    /// The input's pixel size expressed in the grid's CRS units.
    public var resolution: Double
}

extension AlignedRaster {
    /// Describes `band` of the raster at `path` on `grid`. `scale`/`offset`/`nodata`
    /// override the band's own metadata when given.
    ///
    /// Throws when the band does not exist, the CRS cannot be transformed to the
    /// grid's, or the input does not overlap the grid.
    public static func make(path: String, band: Int, kind: InputKind, grid: Grid,
                            scale: Double? = nil, offset: Double? = nil, nodata: Double? = nil,
                            cache: AlignmentCache? = nil) throws -> AlignedRaster {
        let ds = try Dataset(path: path)
        let info = try ds.bandInfo(band)
        let effScale = scale ?? info.scale
        let effOffset = offset ?? info.offset
        let effNodata = nodata ?? info.nodata
        let key = AlignmentCache.Key(path: path, kind: kind, srcNodata: nodata, grid: grid)
        if let source = cache?.sources[key] {
            return AlignedRaster(path: path, band: band, scale: effScale, offset: effOffset, nodata: effNodata,
                                 source: source, grid: grid)
        }
        let made = try align(ds, path: path, band: band, kind: kind, grid: grid, srcNodata: nodata)
        cache?.sources[key] = made
        return AlignedRaster(path: path, band: band, scale: effScale, offset: effOffset, nodata: effNodata,
                             source: made, grid: grid)
    }

    static func align(_ ds: Dataset, path: String, band: Int, kind: InputKind, grid: Grid, srcNodata nodata: Double?) throws -> Source {
        let srcGrid = try ds.grid()

        let fp = try footprint(of: ds, in: grid)
        let g = grid.bounds()
        guard fp.bounds.xmin < g.xmax, fp.bounds.xmax > g.xmin, fp.bounds.ymin < g.ymax, fp.bounds.ymax > g.ymin else {
            throw GDALError(operation: "align to the target grid", path: path,
                            message: "the raster does not overlap the target grid")
        }

        if let shift = try directOffset(source: srcGrid, target: grid) {
            return .direct(colOffset: shift.col, rowOffset: shift.row)
        }
        let gridRes = (abs(grid.transform.pixelWidth) * abs(grid.transform.pixelHeight)).squareRoot()
        let ratio = fp.resolution / gridRes
        let resampling: Resampling
        switch kind {
        case .categorical: resampling = ratio < 0.999 ? .mode : .nearest
        case .continuous: resampling = ratio < 0.999 ? .average : .bilinear
        }
        let vrt = try warpedVRT(ds, path: path, grid: grid, resampling: resampling, srcNodata: nodata)
        return .warped(vrt: vrt, resampling: resampling)
    }

    /// The pixel offset when `source` lies on `target`'s lattice (same CRS, same pixel size,
    /// origin a whole number of pixels away), else nil.
    static func directOffset(source: Grid, target: Grid) throws -> (col: Int, row: Int)? {
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

    /// The input's extent and resolution in the grid's CRS (GDALSuggestedWarpOutput2).
    public static func footprint(of ds: Dataset, in grid: Grid) throws -> Footprint {
        GDAL.resetError()
        let transformer = GDAL.withStringList(["DST_SRS=" + grid.crsWKT]) { opts in
            GDALCreateGenImgProjTransformer2(ds.handle, nil, opts)
        }
        guard let transformer else {
            throw GDALError.last("transform to the grid's CRS", path: ds.displayName,
                                 fallback: "the raster's CRS cannot be transformed to the grid's")
        }
        defer { GDALDestroyGenImgProjTransformer(transformer) }
        var gt = [Double](repeating: 0, count: 6)
        var px: Int32 = 0, ln: Int32 = 0
        var extent = [Double](repeating: 0, count: 4)
        GDAL.resetError()
        let err = GDALSuggestedWarpOutput2(ds.handle, GDALGenImgProjTransform, transformer, &gt, &px, &ln, &extent, 0)
        guard err == CE_None else {
            throw GDALError.last("transform to the grid's CRS", path: ds.displayName)
        }
        return Footprint(bounds: (extent[0], extent[1], extent[2], extent[3]),
                         resolution: (abs(gt[1]) * abs(gt[5])).squareRoot())
    }

    /// Builds a Float32 warped VRT of all bands of `ds` onto `grid` and returns its XML.
    /// `-et 0` makes the warper transform every pixel exactly, so a window's values do
    /// not depend on the size of the window read.
    static func warpedVRT(_ ds: Dataset, path: String, grid: Grid, resampling: Resampling, srcNodata: Double?) throws -> String {
        let b = grid.bounds()
        var args = ["-of", "VRT", "-t_srs", grid.crsWKT,
                    "-te", "\(b.xmin)", "\(b.ymin)", "\(b.xmax)", "\(b.ymax)",
                    "-ts", "\(grid.width)", "\(grid.height)",
                    "-r", resampling.rawValue, "-et", "0", "-ot", "Float32", "-dstnodata", "nan"]
        if let nd = srcNodata { args += ["-srcnodata", "\(nd)"] }
        let memPath = "/vsimem/sinkmap-warp-\(UInt64.random(in: 0...UInt64.max)).vrt"
        GDAL.resetError()
        let options = GDAL.withStringList(args) { GDALWarpAppOptionsNew($0, nil) }
        guard let options else { throw GDALError.last("set up warping", path: path) }
        defer { GDALWarpAppOptionsFree(options) }
        var src: GDALDatasetH? = ds.handle
        var usage: Int32 = 0
        guard let out = GDALWarp(memPath, nil, 1, &src, options, &usage) else {
            throw GDALError.last("warp onto the target grid", path: path)
        }
        GDALClose(out)
        defer { VSIUnlink(memPath) }
        var length: vsi_l_offset = 0
        guard let bytes = VSIGetMemFileBuffer(memPath, &length, 0) else {
            throw GDALError(operation: "warp onto the target grid", path: path, message: "GDAL wrote no VRT")
        }
        let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: Int(length))
        return withBlockSize(String(decoding: buffer, as: UTF8.self), warpBlockSize)
    }

    /// Edge of the warped VRT's blocks. GDAL's default (512 × 128) would make a 256- or
    /// 512-pixel tile straddle blocks; square blocks that divide the tile size mean each
    /// block is warped once, by the tile that needs it.
    public static let warpBlockSize = 256

    /// Sets the block size in a warped VRT's XML (gdalwarp -of VRT has no option for it).
    static func withBlockSize(_ xml: String, _ edge: Int) -> String {
        guard let x = xml.range(of: #"<BlockXSize>\d+</BlockXSize>"#, options: .regularExpression),
              let y = xml.range(of: #"<BlockYSize>\d+</BlockYSize>"#, options: .regularExpression) else { return xml }
        var out = xml
        out.replaceSubrange(y, with: "<BlockYSize>\(edge)</BlockYSize>")
        out.replaceSubrange(x, with: "<BlockXSize>\(edge)</BlockXSize>")
        return out
    }
}

/// Remembers how each file was aligned, so the 12 bands of a climate file share one warped VRT.
public final class AlignmentCache {
    struct Key: Hashable {
        var path: String
        var kind: InputKind
        var srcNodata: Double?
        var grid: Grid
    }
    var sources: [Key: AlignedRaster.Source] = [:]
    public init() {}
}
