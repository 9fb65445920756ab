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
                values[name] = OGR_F_IsFieldSetAndNotNull(feat, i) != 0 ? String(cString: OGR_F_GetFieldAsString(feat, i)) : ""
            }
            let geom = try OGR_F_GetGeometryRef(feat).map { g in
                Geometry(owning: try GDAL.make("copy geometry", path: path, fallback: "out of memory") { OGR_G_Clone(g) })
            }
            out.append(VectorFeature(fid: OGR_F_GetFID(feat), fields: values, geometry: geom))
        }
        return out
    }
}

/// An owned OGR geometry.
public final class Geometry {
    let handle: OGRGeometryH

    init(owning handle: OGRGeometryH) { self.handle = handle }
    deinit { OGR_G_DestroyGeometry(handle) }

    /// Reprojects in place; `path` names the file the geometry came from in errors.
    public func transform(_ ct: CoordinateTransform, path: String = "") throws {
        try GDAL.check("reproject geometry", path: path, fallback: GDAL.noMessage) { OGR_G_Transform(handle, ct.handle) }
    }

    /// Area in the CRS's squared units (planar).
    public var area: Double { OGR_G_Area(handle) }

    /// The union of several geometries (a dissolve), via OGR's cascaded union.
    public static func union(_ parts: [Geometry], path: String = "") throws -> Geometry {
        let collection = try GDAL.make("dissolve", path: path, fallback: "cannot create geometry") {
            OGR_G_CreateGeometry(wkbMultiPolygon)
        }
        defer { OGR_G_DestroyGeometry(collection) }
        for p in parts {
            let t = OGR_GT_Flatten(OGR_G_GetGeometryType(p.handle))
            if t == wkbMultiPolygon {
                for i in 0..<OGR_G_GetGeometryCount(p.handle) {
                    try GDAL.check("dissolve", path: path) { OGR_G_AddGeometry(collection, OGR_G_GetGeometryRef(p.handle, i)) }
                }
            } else {
                try GDAL.check("dissolve", path: path) { OGR_G_AddGeometry(collection, p.handle) }
            }
        }
        return Geometry(owning: try GDAL.make("dissolve", path: path, fallback: "union of polygons failed") {
            OGR_G_UnionCascaded(collection)
        })
    }
}

extension Geometry {
    /// A geometry from WKT text.
    public convenience init(wkt: String) throws {
        var text: UnsafeMutablePointer<CChar>? = strdup(wkt)
        let start = text
        defer { free(start) }
        GDAL.initialize()
        let h = try GDAL.make("parse WKT", path: "", fallback: "not a WKT geometry") { () -> OGRGeometryH? in
            var h: OGRGeometryH? = nil
            return OGR_G_CreateFromWkt(&text, nil, &h) == OGRERR_NONE ? h : nil
        }
        self.init(owning: h)
    }

    /// A geometry from ISO WKB (either byte order); `path` names the file it came from in errors.
    /// With `wkb`, geometries travel between threads as plain (Sendable) bytes.
    public convenience init(wkb: [UInt8], path: String = "") throws {
        GDAL.initialize()
        guard !wkb.isEmpty else {
            throw GDALError(operation: "parse WKB", path: path, message: "no bytes")
        }
        let h = try GDAL.make("parse WKB", path: path, fallback: "not a WKB geometry") { () -> OGRGeometryH? in
            var h: OGRGeometryH? = nil
            let err = wkb.withUnsafeBytes { OGR_G_CreateFromWkbEx($0.baseAddress, nil, &h, $0.count) }
            return err == OGRERR_NONE ? h : nil
        }
        self.init(owning: h)
    }

    /// The geometry as ISO WKB, little-endian (NDR).
    public var wkb: [UInt8] {
        get throws {
            var bytes = [UInt8](repeating: 0, count: OGR_G_WkbSizeEx(handle))
            try GDAL.check("export WKB", path: "") {
                bytes.withUnsafeMutableBufferPointer { OGR_G_ExportToIsoWkb(handle, wkbNDR, $0.baseAddress) }
            }
            return bytes
        }
    }

    /// The geometry as ISO WKT (for messages and tests).
    public var wkt: String {
        get throws {
            var out: UnsafeMutablePointer<CChar>? = nil
            defer { VSIFree(out) }
            try GDAL.check("export WKT", path: "") { OGR_G_ExportToIsoWkt(handle, &out) }
            return out.map { String(cString: $0) } ?? ""
        }
    }
}
