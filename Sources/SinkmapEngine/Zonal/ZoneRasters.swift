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

    /// Rasterizes into files under `directory` (removed by the caller).
    public static func make(_ scene: PreparedScene, in directory: String) throws -> ZoneRasters {
        let zonesFile = directory + "/.zones.tif"
        let zones = try VectorDataset(path: scene.zonesPath).layer(scene.zonesLayer)
        try burn(zones, into: zonesFile, grid: scene.grid, type: .uint32) { Double(scene.zones.featureToFinest[$0] + 1) }
        var redFile: String?
        if let path = scene.redlinePath {
            redFile = directory + "/.redline.tif"
            try burn(try VectorDataset(path: path).layer(scene.redlineLayer), into: redFile!, grid: scene.grid, type: .byte) { _ in 1 }
        }
        return ZoneRasters(zonesPath: zonesFile, redlinePath: redFile)
    }

    /// Writes an uncompressed tiled GeoTIFF on `grid` (0 where no polygon lies) with
    /// `value(i)` burnt for the i-th feature of `layer`, reprojected to the grid's CRS.
    static func burn(_ layer: VectorLayer, into path: String, grid: Grid, type: PixelType,
                     value: (Int) -> Double) throws {
        let writer = try RasterWriter(path: path, grid: grid, bands: 1, type: type, nodata: nil, blockSize: 256, compress: "NONE")
        let target = try SpatialReference(definition: grid.crsWKT)
        var transform: CoordinateTransform?
        if let source = layer.spatialReference, !source.isSame(as: target) {
            transform = try CoordinateTransform(from: source, to: target)
        }
        var geometries: [Geometry] = [], values: [Double] = []
        for (i, f) in try layer.features(fields: []).enumerated() {
            guard let g = f.geometry else { continue }
            if let transform { try g.transform(transform, path: layer.path) }
            geometries.append(g)
            values.append(value(i))
        }
        try Rasterizer.burn(geometries, values: values, into: writer.dataset)
        try writer.flush()
    }
}
