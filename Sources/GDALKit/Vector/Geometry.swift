import CGDAL
import Glibc

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

    /// The polygons of the geometry (one for a polygon, several for a multipolygon), each as its
    /// rings (outer first, then holes) of (x, y) points, curves linearised; the closing point
    /// of each ring is dropped.
    public var polygons: [[[SIMD2<Double>]]] {
        let flat = OGR_G_GetLinearGeometry(handle, 0, nil).map { Geometry(owning: $0) } ?? self
        func rings(_ polygon: OGRGeometryH) -> [[SIMD2<Double>]] {
            (0..<OGR_G_GetGeometryCount(polygon)).map { i in
                let ring = OGR_G_GetGeometryRef(polygon, i)
                let n = Int(OGR_G_GetPointCount(ring))
                var points = (0..<n).map { SIMD2(OGR_G_GetX(ring, Int32($0)), OGR_G_GetY(ring, Int32($0))) }
                if points.count > 1, points.first == points.last { points.removeLast() }
                return points
            }
        }
        let t = OGR_GT_Flatten(OGR_G_GetGeometryType(flat.handle))
        if t == wkbPolygon { return [rings(flat.handle)] }
        if t == wkbMultiPolygon {
            return (0..<OGR_G_GetGeometryCount(flat.handle)).map { rings(OGR_G_GetGeometryRef(flat.handle, $0)) }
        }
        return []
    }

    /// The part of this geometry inside `other` (GEOS).
    public func intersection(_ other: Geometry, path: String = "") throws -> Geometry {
        Geometry(owning: try GDAL.make("intersect geometries", path: path, fallback: "intersection failed") {
            OGR_G_Intersection(handle, other.handle)
        })
    }

    /// Whether GEOS finds the geometry valid (closed rings, no self-intersection, ...).
    public var isValid: Bool { OGR_G_IsValid(handle) != 0 }

    /// Whether it is a polygon or a collection of polygons (what a zone must be).
    public var isAreal: Bool {
        let t = OGR_GT_Flatten(OGR_G_GetGeometryType(handle))
        return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface
    }

    /// The (x, y) of a point geometry; nil for any other type or an empty point.
    public var point: SIMD2<Double>? {
        guard OGR_GT_Flatten(OGR_G_GetGeometryType(handle)) == wkbPoint, OGR_G_IsEmpty(handle) == 0 else { return nil }
        return SIMD2(OGR_G_GetX(handle, 0), OGR_G_GetY(handle, 0))
    }

    /// OGR's name of the geometry type, e.g. "Line String".
    public var typeName: String { String(cString: OGRGeometryTypeToName(OGR_G_GetGeometryType(handle))) }

    /// The bounding box (xmin, ymin, xmax, ymax) in the geometry's CRS; nil when empty.
    public var envelope: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)? {
        guard OGR_G_IsEmpty(handle) == 0 else { return nil }
        var e = OGREnvelope()
        OGR_G_GetEnvelope(handle, &e)
        return (e.MinX, e.MinY, e.MaxX, e.MaxY)
    }

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
