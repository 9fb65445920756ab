import GDALKit
import SinkmapBase

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
    /// The bounding box of all geometries in the grid's CRS; nil when there is none.
    public var extent: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)?

    public init(native: [[UInt8]?], onGrid: [[UInt8]?], crsWKT: String?,
                extent: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)? = nil) {
        self.native = native
        self.onGrid = onGrid
        self.crsWKT = crsWKT
        self.extent = extent
    }

    /// Reads the features of `layer` (already in hand), checks they are valid polygons in a
    /// layer with a CRS, and transforms them to `grid`'s CRS. `label` names a feature in
    /// refusals (e.g. its id).
    public static func read(_ features: [VectorFeature], layer: VectorLayer, grid: SpatialReference,
                            label: (VectorFeature) -> String = { "fid \($0.fid)" }) throws -> LayerShapes {
        let source = layer.spatialReference.flatMap { $0.isUndefined ? nil : $0 }
        guard let source else {
            throw Refusal("\(layer.path): layer '\(layer.name)' has no CRS (the grid is in \(grid.name)); assign the right one, e.g. with ogr2ogr -a_srs")
        }
        var transform: CoordinateTransform?
        if !source.isSame(as: grid) { transform = try CoordinateTransform(from: source, to: grid) }
        var native: [[UInt8]?] = [], onGrid: [[UInt8]?] = []
        var box: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)?
        for f in features {
            guard let g = f.geometry else { native.append(nil); onGrid.append(nil); continue }
            guard g.isAreal else {
                throw Refusal("\(layer.path): feature \(label(f)) is a \(g.typeName); zones and red lines must be polygons")
            }
            guard g.isValid else {
                throw Refusal("\(layer.path): feature \(label(f)) has an invalid geometry (e.g. a self-intersecting ring); repair it, e.g. with ogr2ogr -makevalid")
            }
            native.append(try g.wkb)
            if let transform { try g.transform(transform, path: layer.path) }
            onGrid.append(try g.wkb)
            if let e = g.envelope {
                box = box.map { (min($0.xmin, e.xmin), min($0.ymin, e.ymin), max($0.xmax, e.xmax), max($0.ymax, e.ymax)) } ?? e
            }
        }
        return LayerShapes(native: native, onGrid: onGrid, crsWKT: source.wkt, extent: box)
    }
}
