import GDALKit
import SinkmapSchedule
import SinkmapScene
import SinkmapSchedule

/// The zone polygons (and the red line) on the target grid, made once before the tiles run,
/// so membership does not depend on the tile size.
///
/// - `exact` coverage (default): `ZoneCoverage` writes a UInt32 raster of finest-unit index + 1
///   for pixels wholly inside one unit, `ZoneCoverage.partialMark` for boundary pixels (their
///   units and weights in `zonePartial`), 0 outside; the red line likewise (value 1 inside).
/// - `centre` coverage: GDAL's rasterizer, a pixel wholly to the polygon holding its centre
///   (no partial pixels).
public struct ZoneRasters: Sendable {
    public var zonesPath: String
    public var redlinePath: String?
    public var zonePartial = ZoneCoverage.Partial()
    public var redlinePartial = ZoneCoverage.Partial()
    /// The grid's width (row-major pixel indices of the partial entries).
    public var gridWidth = 0
    /// The grid row of the rasters' first row (a shard's rasters hold only its rows).
    public var rowOffset = 0

    /// Makes the rasters under `directory` (removed by the caller). `rows`: only those rows of
    /// the grid (a shard's), with exact coverage; centre coverage always burns the whole grid.
    public static func make(_ scene: PreparedScene, in directory: String, rows: Range<Int>? = nil) throws -> ZoneRasters {
        let zonesFile = directory + "/.zones.tif"
        let finest = scene.zones.featureToFinest
        var out = ZoneRasters(zonesPath: zonesFile, redlinePath: nil)
        out.gridWidth = scene.grid.width
        let rows = scene.scene.zones.coverage == .exact ? rows : nil
        out.rowOffset = rows?.lowerBound ?? 0
        // The red line's raster on its own thread beside the zones' (independent files; joined
        // before returning, also behind an error).
        var redline: BackgroundJob<ZoneCoverage.Partial>?
        if let shapes = scene.redlineShapes, let path = scene.redlinePath {
            let redFile = directory + "/.redline.tif"
            out.redlinePath = redFile
            let coverage = scene.scene.zones.coverage, grid = scene.grid
            redline = BackgroundJob {
                switch coverage {
                case .exact:
                    return try ZoneCoverage.make(shapes.onGrid, items: [Int](repeating: 0, count: shapes.onGrid.count),
                                                 grid: grid, path: path, into: redFile, rows: rows)
                case .centre:
                    try burn(shapes.onGrid, path: path, into: redFile, grid: grid, type: .uint32) { _ in 1 }
                    return ZoneCoverage.Partial()
                }
            }
        }
        defer { _ = try? redline?.wait() }
        switch scene.scene.zones.coverage {
        case .exact:
            out.zonePartial = try ZoneCoverage.make(scene.zoneShapes.onGrid, items: finest, grid: scene.grid,
                                                    path: scene.zonesPath, into: zonesFile, rows: rows)
        case .centre:
            try burn(scene.zoneShapes.onGrid, path: scene.zonesPath, into: zonesFile, grid: scene.grid, type: .uint32) {
                Double(finest[$0] + 1)
            }
        }
        if let redline { out.redlinePartial = try redline.wait() }
        return out
    }

    /// Writes an uncompressed tiled GeoTIFF on `grid` (0 where no polygon lies) with
    /// `value(i)` burnt for the i-th geometry (WKB in the grid's CRS; nil ones skipped), by
    /// pixel centre. `path` names the polygons' file in errors.
    public static func burn(_ shapes: [[UInt8]?], path: String, into file: String, grid: Grid, type: PixelType,
                     value: (Int) -> Double) throws {
        let writer = try RasterWriter(path: file, grid: grid, bands: 1, type: type, nodata: nil, blockSize: 256, compress: "NONE")
        var geometries: [Geometry] = [], values: [Double] = []
        for (i, wkb) in shapes.enumerated() {
            guard let wkb else { continue }
            geometries.append(try Geometry(wkb: wkb, path: path))
            values.append(value(i))
        }
        try Rasterizer.burn(geometries, values: values, into: writer.dataset)
        try writer.flush()
    }
}
