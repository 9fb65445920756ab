import CGDAL
#if canImport(Glibc)
import Glibc
#endif

/// An OGR vector dataset opened read-only (GeoPackage, Shapefile, GeoJSON, ...).
/// Not shared between threads.
public final class VectorDataset {
    let handle: GDALDatasetH
    public let path: String

    public init(path: String) throws {
        GDAL.initialize()
        handle = try GDAL.make("open vector", path: path, fallback: "not a vector file GDAL can open") {
            GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        self.path = path
    }

    deinit { GDALClose(handle) }

    public var layerNames: [String] {
        (0..<Int(GDALDatasetGetLayerCount(handle))).compactMap { i in
            GDALDatasetGetLayer(handle, Int32(i)).map { String(cString: OGR_L_GetName($0)) }
        }
    }

    /// The named layer, or the only layer when `name` is nil.
    public func layer(_ name: String?) throws -> VectorLayer {
        if let name {
            guard let l = GDALDatasetGetLayerByName(handle, name) else {
                throw GDALError(operation: "open layer", path: path,
                                message: "no layer named '\(name)' (layers: \(layerNames.joined(separator: ", ")))")
            }
            return VectorLayer(handle: l, owner: self)
        }
        let names = layerNames
        guard names.count == 1, let l = GDALDatasetGetLayer(handle, 0) else {
            throw GDALError(operation: "open layer", path: path,
                            message: names.isEmpty ? "the file has no layer"
                                : "the file has \(names.count) layers (\(names.joined(separator: ", "))): name one with `layer:`")
        }
        return VectorLayer(handle: l, owner: self)
    }
}

/// One feature's attributes (as text) and geometry, read into Swift.
public struct VectorFeature {
    public var fid: Int64
    public var fields: [String: String]
    /// Owned clone of the feature's geometry (nil when it has none).
    public var geometry: Geometry?

    public init(fid: Int64, fields: [String: String], geometry: Geometry? = nil) {
        self.fid = fid
        self.fields = fields
        self.geometry = geometry
    }
}

/// A layer of a `VectorDataset`; keeps its dataset alive.
public final class VectorLayer {
    let handle: OGRLayerH
    let owner: VectorDataset

    init(handle: OGRLayerH, owner: VectorDataset) {
        self.handle = handle
        self.owner = owner
    }

    public var name: String { String(cString: OGR_L_GetName(handle)) }
    public var path: String { owner.path }

    public var fieldNames: [String] {
        let defn = OGR_L_GetLayerDefn(handle)
        return (0..<Int(OGR_FD_GetFieldCount(defn))).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, Int32($0)))) }
    }

    /// The layer's CRS (nil when it declares none).
    public var spatialReference: SpatialReference? {
        guard let s = OGR_L_GetSpatialRef(handle) else { return nil }
        return SpatialReference(cloning: s)
    }

    /// A field's value as text. Reals print as the shortest text of their value, so an id
    /// stored as Real 1.0 (a shapefile's N(19,11) field, say) is "1", not "1.00000000000".
    static func text(_ feat: OGRFeatureH, _ i: Int32, _ defn: OGRFeatureDefnH?) -> String {
        if OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) == OFTReal {
            let x = OGR_F_GetFieldAsDouble(feat, i)
            return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        }
        return String(cString: OGR_F_GetFieldAsString(feat, i))
    }

    /// Reads every feature: the listed fields as text and a clone of the geometry.
    public func features(fields wanted: [String]) throws -> [VectorFeature] {
        let defn = OGR_L_GetLayerDefn(handle)
        var indices: [(String, Int32)] = []
        for f in wanted {
            let i = OGR_FD_GetFieldIndex(defn, f)
            guard i >= 0 else {
                throw GDALError(operation: "read layer '\(name)'", path: path,
                                message: "no field named '\(f)' (fields: \(fieldNames.joined(separator: ", ")))")
            }
            indices.append((f, i))
        }
        OGR_L_ResetReading(handle)
        var out: [VectorFeature] = []
        while let feat = try GDAL.next("read layer '\(name)'", path: path, { OGR_L_GetNextFeature(handle) }) {
            defer { OGR_F_Destroy(feat) }
            var values: [String: String] = [:]
            for (name, i) in indices {
                values[name] = OGR_F_IsFieldSetAndNotNull(feat, i) != 0 ? VectorLayer.text(feat, i, defn) : ""
            }
            let geom = try OGR_F_GetGeometryRef(feat).map { g in
                Geometry(owning: try GDAL.make("copy geometry", path: path, fallback: "out of memory") { OGR_G_Clone(g) })
            }
            out.append(VectorFeature(fid: OGR_F_GetFID(feat), fields: values, geometry: geom))
        }
        return out
    }
}
