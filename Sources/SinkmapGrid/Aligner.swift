import GDALKit
#if canImport(Glibc)
import Glibc
#endif

/// Whether an input holds class codes or a continuous quantity (chooses the resampling).
public enum InputKind: Sendable, Hashable {
    case categorical, continuous
}

/// sinkmap's policy for bringing an input onto the target grid, decided once per file
/// during validation: read directly when the file lies on the grid's lattice, otherwise
/// warp it with a resampling chosen by its kind and its resolution relative to the grid.
public final class Aligner {
    /// Edge of the warped VRT's blocks. GDAL's default (512 × 128) would make a 256- or
    /// 512-pixel tile straddle blocks; square blocks that divide the tile size mean each
    /// block is warped once, by the tile that needs it.
    public static let warpBlockSize = 256

    /// The resampling for an input of `kind` whose pixels are `ratio` times the grid's.
    public static func resampling(kind: InputKind, ratio: Double) -> Resampling {
        switch kind {
        case .categorical: return ratio < 0.999 ? .mode : .nearest
        case .continuous: return ratio < 0.999 ? .average : .bilinear
        }
    }

    /// The own bilinear resampler takes continuous inputs whose pixels are at least this many
    /// times the grid's: GDAL's warper then uses its 4-sample bilinear formula on both axes
    /// (it does from a scale of 0.95 per chunk), which `BilinearSource` reproduces.
    public static let ownResamplerMinRatio = 1.5

    /// Whether the own resamplers are allowed: `SINKMAP_RESAMPLER=gdal` sends every warped
    /// input through GDAL's warper (for comparisons and as an escape hatch).
    public static var ownResamplerEnabled: Bool {
        guard let v = getenv("SINKMAP_RESAMPLER") else { return true }
        return String(cString: v).lowercased() != "gdal"
    }

    private struct LatticeKey: Hashable {
        var source: Grid
        var target: Grid
    }
    /// One lattice per source grid: the three climate files of a scene usually share one.
    private var lattices: [LatticeKey: TransformLattice] = [:]

    private struct Key: Hashable {
        var path: String
        var kind: InputKind
        var srcNodata: Double?
        var grid: Grid
        var resampling: Resampling?
    }
    /// How each file was aligned, so the 12 bands of a climate file share one source.
    private var sources: [Key: (any RasterSource, Footprint)] = [:]

    /// Whether this aligner may use `BilinearSource` and `AverageSource` (else GDAL's warper for
    /// every warped input).
    public let useOwnResampler: Bool

    public init(useOwnResampler: Bool = Aligner.ownResamplerEnabled) {
        self.useOwnResampler = useOwnResampler
    }

    /// Describes `band` of the raster at `path` on `grid`. `scale`/`offset`/`nodata`
    /// override the band's own metadata when given.
    ///
    /// `resampling` imposes a method instead of the policy's choice (raw scenes: bilinear for
    /// reflectance, nearest for a QA or SCL band, whatever the relative resolution).
    ///
    /// Throws when the band does not exist, the CRS cannot be transformed to the
    /// grid's, or the input does not overlap the grid.
    public func align(path: String, band: Int, kind: InputKind, grid: Grid,
                      scale: Double? = nil, offset: Double? = nil, nodata: Double? = nil,
                      resampling: Resampling? = nil) throws -> AlignedRaster {
        let ds = try Dataset(path: path)
        let info = try ds.bandInfo(band)
        let key = Key(path: path, kind: kind, srcNodata: nodata, grid: grid, resampling: resampling)
        let made: (any RasterSource, Footprint)
        if let known = sources[key] {
            made = known
        } else {
            made = try Aligner.source(ds, path: path, kind: kind, grid: grid, srcNodata: nodata,
                                      ownResampler: useOwnResampler, forced: resampling) { source in
                let k = LatticeKey(source: source, target: grid)
                if let known = lattices[k] { return known }
                let made = try TransformLattice.build(source: source, target: grid)
                lattices[k] = made
                return made
            }
            sources[key] = made
        }
        return AlignedRaster(path: path, band: band, scale: scale ?? info.scale, offset: offset ?? info.offset,
                             nodata: nodata ?? info.nodata, source: made.0, grid: grid, footprint: made.1)
    }

    /// One-off alignment without a shared cache.
    public static func align(path: String, band: Int, kind: InputKind, grid: Grid,
                             scale: Double? = nil, offset: Double? = nil, nodata: Double? = nil,
                             useOwnResampler: Bool = Aligner.ownResamplerEnabled) throws -> AlignedRaster {
        try Aligner(useOwnResampler: useOwnResampler).align(path: path, band: band, kind: kind, grid: grid, scale: scale, offset: offset, nodata: nodata)
    }

    static func source(_ ds: Dataset, path: String, kind: InputKind, grid: Grid, srcNodata: Double?, ownResampler: Bool,
                       forced: Resampling? = nil, lattice: (Grid) throws -> TransformLattice) throws -> (any RasterSource, Footprint) {
        let srcGrid = try ds.grid()
        let fp = try Warp.footprint(of: ds, in: grid)
        guard fp.overlaps(grid) else {
            throw GDALError(operation: "align to the target grid", path: path,
                            message: "the raster does not overlap the target grid")
        }
        if let shift = try Warp.latticeOffset(source: srcGrid, target: grid) {
            return (DirectSource(path: path, colOffset: shift.col, rowOffset: shift.row), fp)
        }
        let gridRes = (abs(grid.transform.pixelWidth) * abs(grid.transform.pixelHeight)).squareRoot()
        let ratio = fp.resolution / gridRes
        let resampling = forced ?? resampling(kind: kind, ratio: ratio)
        if resampling == .bilinear, ratio >= ownResamplerMinRatio, ownResampler,
           srcGrid.transform.isNorthUp, grid.transform.isNorthUp {
            let nodata = try (1...max(ds.bandCount, 1)).map { try srcNodata ?? ds.bandInfo($0).nodata }
            let source = BilinearSource(path: path, lattice: try lattice(srcGrid), sourceWidth: srcGrid.width,
                                        sourceHeight: srcGrid.height, bandNodata: nodata)
            return (source, fp)
        }
        if resampling == .average, ownResampler, srcGrid.transform.isNorthUp, grid.transform.isNorthUp,
           try sameCRS(srcGrid, grid) {
            let nodata = try (1...max(ds.bandCount, 1)).map { try srcNodata ?? ds.bandInfo($0).nodata }
            return (AverageSource(path: path, source: srcGrid, target: grid, bandNodata: nodata), fp)
        }
        let vrt = try Warp.vrt(ds, path: path, grid: grid, resampling: resampling, srcNodata: srcNodata,
                               blockSize: warpBlockSize)
        return (WarpedVRTSource(vrt: vrt, resampling: resampling), fp)
    }

    /// Whether two grids share their CRS (the own `average` takes only those: its footprints
    /// are then exact rectangles in source pixels).
    static func sameCRS(_ a: Grid, _ b: Grid) throws -> Bool {
        if a.crsWKT == b.crsWKT { return true }
        return try SpatialReference(definition: a.crsWKT).isSame(as: SpatialReference(definition: b.crsWKT))
    }
}
