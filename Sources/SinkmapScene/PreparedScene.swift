import GDALKit
import SinkmapGrid
import SinkmapKernels

/// Where a period's NDVI is read from, aligned on the grid.
public enum AlignedNDVI: Sendable {
    case ndvi(AlignedRaster)
    case redNir(red: AlignedRaster, nir: AlignedRaster)
}

/// Canopy height aligned on the grid.
public enum AlignedCanopy: Sendable {
    case chm(AlignedRaster)
    case dsmDtm(dsm: AlignedRaster, dtm: AlignedRaster)
}

/// One input file the run reads, for the summary.
public struct InputFile: Sendable, Equatable {
    public var role: String
    public var path: String
}

/// Everything `run` needs, checked: the grid, every input aligned on it, the parameter
/// table, the zone hierarchy. A value any worker thread can use to open its own handles.
public struct PreparedScene: Sendable {
    public var scene: Scene
    public var grid: Grid
    public var crsName: String
    public var crsEPSG: String?
    public var isGeographic: Bool
    /// Semi-major axis (m) and inverse flattening of the grid's ellipsoid.
    public var ellipsoid: (semiMajor: Double, inverseFlattening: Double)
    public var landcover: AlignedRaster
    /// 12, in chronological order, like the next three.
    public var ndvi: [AlignedNDVI]
    public var temperature: [AlignedRaster]
    public var precipitation: [AlignedRaster]
    public var radiation: [AlignedRaster]
    public var canopy: AlignedCanopy?
    public var table: ParameterTable
    public var zones: ZoneHierarchy
    public var zonesPath: String
    public var zonesLayer: String?
    /// The zone polygons, one per feature of the zone layer (`zones.featureToFinest` order).
    public var zoneShapes: LayerShapes
    public var redlinePath: String?
    public var redlineLayer: String?
    /// The red-line polygons (nil without a red line).
    public var redlineShapes: LayerShapes?
    /// Every file read, in a stable order, without repeats.
    public var inputFiles: [InputFile]
}

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
