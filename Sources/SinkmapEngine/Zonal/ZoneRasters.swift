import GDALKit
import SinkmapScene

/// The zone polygons burnt onto the target grid once, before the tiles run: a UInt32
/// raster of finest-unit index + 1 (0 outside every polygon) and, with a red line, a
/// Byte raster of 1 inside it. A pixel belongs to a polygon when the polygon contains
/// its centre (GDAL's rasterizer without ALL_TOUCHED). Burning the whole grid in one
/// pass makes membership independent of the tile size.
public struct ZoneRasters: Sendable {
    public var zonesPath: String
    public var redlinePath: String?

    /// Rasterizes the scene's zone and red-line polygons (read during validation) into
    /// files under `directory` (removed by the caller).
    public static func make(_ scene: PreparedScene, in directory: String) throws -> ZoneRasters {
        let zonesFile = directory + "/.zones.tif"
        let finest = scene.zones.featureToFinest
        try burn(scene.zoneShapes.onGrid, path: scene.zonesPath, into: zonesFile, grid: scene.grid, type: .uint32) {
            Double(finest[$0] + 1)
        }
        var redFile: String?
        if let shapes = scene.redlineShapes, let path = scene.redlinePath {
            redFile = directory + "/.redline.tif"
            try burn(shapes.onGrid, path: path, into: redFile!, grid: scene.grid, type: .byte) { _ in 1 }
        }
        return ZoneRasters(zonesPath: zonesFile, redlinePath: redFile)
    }

    /// Writes an uncompressed tiled GeoTIFF on `grid` (0 where no polygon lies) with
    /// `value(i)` burnt for the i-th geometry (WKB in the grid's CRS; nil ones skipped).
    /// `path` names the polygons' file in errors.
    static func burn(_ shapes: [[UInt8]?], path: String, into file: String, grid: Grid, type: PixelType,
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
