import GDALKit

/// A polygon layer as read once during validation: each feature's geometry as ISO WKB,
/// in the layer's own CRS and transformed to the grid's (nil where a feature has no
/// geometry), so later stages neither reopen the file nor share GDAL handles.
public struct LayerShapes: Sendable {
    /// In the layer's CRS (the one-map GeoPackage keeps it).
    public var native: [[UInt8]?]
    /// In the grid's CRS (what is burnt onto the grid).
    public var onGrid: [[UInt8]?]
    /// The layer's CRS as WKT; nil when the layer declares none.
    public var crsWKT: String?

    public init(native: [[UInt8]?], onGrid: [[UInt8]?], crsWKT: String?) {
        self.native = native
        self.onGrid = onGrid
        self.crsWKT = crsWKT
    }

    /// Reads the features of `layer` (already in hand) and transforms them to `grid`'s CRS.
    public static func read(_ features: [VectorFeature], layer: VectorLayer, grid: SpatialReference) throws -> LayerShapes {
        var transform: CoordinateTransform?
        let source = layer.spatialReference
        if let source, !source.isSame(as: grid) { transform = try CoordinateTransform(from: source, to: grid) }
        var native: [[UInt8]?] = [], onGrid: [[UInt8]?] = []
        for f in features {
            guard let g = f.geometry else { native.append(nil); onGrid.append(nil); continue }
            native.append(try g.wkb)
            if let transform { try g.transform(transform, path: layer.path) }
            onGrid.append(try g.wkb)
        }
        return LayerShapes(native: native, onGrid: onGrid, crsWKT: source?.wkt)
    }
}
