import CGDAL

/// An OGR spatial reference, always in traditional GIS axis order (x = easting/longitude).
/// Not shared between threads: each holder owns its handle.
public final class SpatialReference {
    let handle: OGRSpatialReferenceH

    /// From any definition GDAL accepts: "EPSG:32651", WKT, PROJ string.
    public init(definition: String) throws {
        GDAL.initialize()
        let h = try GDAL.make("create spatial reference", path: "", fallback: "out of memory") { OSRNewSpatialReference(nil) }
        do {
            let shown = definition.count > 80 ? String(definition.prefix(77)) + "..." : definition
            try GDAL.check("parse CRS", path: "", fallback: "not a CRS GDAL understands: \(shown)") {
                OSRSetFromUserInput(h, definition)
            }
        } catch {
            OSRDestroySpatialReference(h)
            throw error
        }
        OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER)
        handle = h
    }

    /// Takes a clone of a handle owned by someone else (e.g. a layer's SRS).
    init(cloning other: OGRSpatialReferenceH) {
        handle = OSRClone(other)
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    deinit { OSRDestroySpatialReference(handle) }

    /// WKT2 (2019) text.
    public var wkt: String {
        var out: UnsafeMutablePointer<CChar>? = nil
        let ok = GDAL.withStringList(["FORMAT=WKT2_2019"]) { opts in
            OSRExportToWktEx(handle, &out, UnsafePointer(OpaquePointer(opts))) == OGRERR_NONE
        }
        defer { VSIFree(out) }
        guard ok, let out else { return "" }
        return String(cString: out)
    }

    /// "EPSG:XXXX" when the CRS has an EPSG code (or one can be identified), else nil.
    public var epsg: String? {
        if let name = OSRGetAuthorityName(handle, nil), String(cString: name) == "EPSG",
           let code = OSRGetAuthorityCode(handle, nil) {
            return "EPSG:" + String(cString: code)
        }
        guard let clone = OSRClone(handle) else { return nil }
        defer { OSRDestroySpatialReference(clone) }
        if OSRAutoIdentifyEPSG(clone) == OGRERR_NONE,
           let name = OSRGetAuthorityName(clone, nil), String(cString: name) == "EPSG",
           let code = OSRGetAuthorityCode(clone, nil) {
            return "EPSG:" + String(cString: code)
        }
        return nil
    }

    /// The CRS's name, e.g. "WGS 84 / UTM zone 51N".
    /// Whether this is a placeholder for "no CRS": GeoPackage layers written without one
    /// come back as "Undefined geographic SRS" (srs_id 0) or "Undefined Cartesian SRS" (-1).
    public var isUndefined: Bool {
        let n = name.lowercased()
        return n.hasPrefix("undefined geographic srs") || n.hasPrefix("undefined cartesian srs")
    }

    public var name: String {
        guard let n = OSRGetName(handle) else { return "" }
        return String(cString: n)
    }

    public var isGeographic: Bool { OSRIsGeographic(handle) != 0 }

    /// Semi-major axis (m) and inverse flattening of the ellipsoid.
    public var ellipsoid: (semiMajor: Double, inverseFlattening: Double) {
        var err: OGRErr = OGRERR_NONE
        let a = OSRGetSemiMajor(handle, &err)
        let invf = OSRGetInvFlattening(handle, &err)
        return (a, invf)
    }

    /// Linear unit of a projected CRS in metres (1 for metres).
    public var linearUnitMetres: Double { OSRGetLinearUnits(handle, nil) }

    /// Whether both describe the same CRS (ignoring axis mapping).
    public func isSame(as other: SpatialReference) -> Bool {
        OSRIsSame(handle, other.handle) != 0
    }
}

/// A coordinate transformation between two spatial references.
public final class CoordinateTransform {
    let handle: OGRCoordinateTransformationH

    public init(from source: SpatialReference, to target: SpatialReference) throws {
        handle = try GDAL.make("create coordinate transformation", path: "",
                               fallback: "no transformation from \(source.name) to \(target.name)") {
            OCTNewCoordinateTransformation(source.handle, target.handle)
        }
    }

    /// From two CRS definitions (WKT, "EPSG:…"), e.g. a grid's and a raster's.
    public convenience init(from source: String, to target: String) throws {
        try self.init(from: SpatialReference(definition: source), to: SpatialReference(definition: target))
    }

    deinit { OCTDestroyCoordinateTransformation(handle) }

    /// Transforms `count` points in place (x, y in the CRSs' traditional GIS order; z = 0).
    /// A point PROJ cannot transform gets NaN coordinates; the call itself does not fail,
    /// so one point outside a projection's domain does not lose the others.
    public func transform(x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>,
                          z: UnsafeMutablePointer<Double>, success: UnsafeMutablePointer<Int32>, count: Int) {
        guard count > 0 else { return }
        z.update(repeating: 0, count: count)
        success.update(repeating: 0, count: count)
        _ = OCTTransformEx(handle, Int32(count), x, y, z, success)
        for i in 0..<count where success[i] == 0 || !x[i].isFinite || !y[i].isFinite {
            x[i] = .nan
            y[i] = .nan
        }
    }
}
