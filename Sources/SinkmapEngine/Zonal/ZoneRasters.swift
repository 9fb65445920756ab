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
        let grid = scene.grid
        let target = try SpatialReference(definition: grid.crsWKT)

        let zonesFile = directory + "/.zones.tif"
        do {
            let writer = try RasterWriter(path: zonesFile, grid: grid, bands: 1, type: .uint32, nodata: nil,
                                          blockSize: 256, compress: "NONE")
            let ds = try VectorDataset(path: scene.zonesPath)
            let layer = try ds.layer(scene.zonesLayer)
            let features = try layer.features(fields: [])
            let geoms = try reproject(features.map(\.geometry), from: layer.spatialReference, to: target)
            var burn: [Geometry] = [], values: [Double] = []
            for (i, g) in geoms.enumerated() {
                guard let g else { continue }
                burn.append(g)
                values.append(Double(scene.zones.featureToFinest[i] + 1))
            }
            try Rasterizer.burn(burn, values: values, into: writer.dataset)
            try writer.flush()
        }
        var redFile: String?
        if let path = scene.redlinePath {
            let file = directory + "/.redline.tif"
            let writer = try RasterWriter(path: file, grid: grid, bands: 1, type: .byte, nodata: nil,
                                          blockSize: 256, compress: "NONE")
            let ds = try VectorDataset(path: path)
            let layer = try ds.layer(scene.redlineLayer)
            let geoms = try reproject(try layer.features(fields: []).map(\.geometry), from: layer.spatialReference, to: target)
                .compactMap { $0 }
            try Rasterizer.burn(geoms, values: [Double](repeating: 1, count: geoms.count), into: writer.dataset)
            try writer.flush()
            redFile = file
        }
        return ZoneRasters(zonesPath: zonesFile, redlinePath: redFile)
    }

    static func reproject(_ geoms: [Geometry?], from source: SpatialReference?, to target: SpatialReference) throws -> [Geometry?] {
        guard let source, !source.isSame(as: target) else { return geoms }
        let ct = try CoordinateTransform(from: source, to: target)
        for g in geoms { try g?.transform(ct) }
        return geoms
    }
}
