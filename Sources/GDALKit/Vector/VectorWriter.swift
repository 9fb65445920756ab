import CGDAL
import Foundation

/// A vector dataset being written (e.g. a GeoPackage), layer by layer.
public final class VectorWriter {
    private(set) var handle: GDALDatasetH?
    public let path: String

    public enum FieldType: Sendable { case string, integer64, real }
    public enum FieldValue {
        case string(String), integer(Int64), real(Double), null
    }

    public init(path: String, driver: String = "GPKG") throws {
        GDAL.initialize()
        guard let d = GDALGetDriverByName(driver) else {
            throw GDALError(operation: "create vector", path: path, message: "GDAL has no \(driver) driver")
        }
        handle = try GDAL.make("create vector", path: path) { GDALCreate(d, path, 0, 0, 0, GDT_Unknown, nil) }
        self.path = path
    }

    /// Opens a vector dataset for update — an existing file or a database connection such as
    /// `PG:dbname=... host=...` — or, when `path` names no existing file and is not a
    /// connection string, creates it with `driver`. `path` in errors hides any password.
    public init(updating connection: String, createWith driver: String = "GPKG") throws {
        GDAL.initialize()
        let shown = VectorWriter.redacted(connection)
        path = shown
        let isConnection = connection.range(of: "^[A-Za-z][A-Za-z0-9]+:", options: .regularExpression) != nil
            && !connection.hasPrefix("/")
        if isConnection || FileManager.default.fileExists(atPath: connection) {
            handle = try GDAL.make("open for update", path: shown, fallback: "not a vector dataset GDAL can open for writing") {
                GDALOpenEx(connection, UInt32(GDAL_OF_VECTOR | GDAL_OF_UPDATE | GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
            }
        } else {
            guard let d = GDALGetDriverByName(driver) else {
                throw GDALError(operation: "create vector", path: shown, message: "GDAL has no \(driver) driver")
            }
            handle = try GDAL.make("create vector", path: shown) { GDALCreate(d, connection, 0, 0, 0, GDT_Unknown, nil) }
        }
    }

    /// A connection string with its password replaced by `***`.
    public static func redacted(_ connection: String) -> String {
        connection.replacingOccurrences(of: "password=('[^']*'|[^ ]*)", with: "password=***", options: .regularExpression)
    }

    deinit { if let handle { GDALClose(handle) } }

    /// The open handle; throws once `close()` has run.
    func openHandle(_ operation: String) throws -> GDALDatasetH {
        guard let handle else { throw GDALError(operation: operation, path: path, message: "the file is already closed") }
        return handle
    }

    /// Closes the file, reporting a failure to write it (disk full, ...).
    public func close() throws {
        guard let h = handle else { return }
        handle = nil
        // GDAL 3.6's GDALClose returns nothing: a failure shows only in the error state.
        try GDAL.checkLastError("write", path: path) { GDALClose(h) }
    }

    /// Creates a polygon layer (or, with `polygons` false, an attribute table) with the
    /// given fields (in order).
    public func createLayer(_ name: String, srs: SpatialReference?, fields: [(String, FieldType)],
                            polygons: Bool = true) throws -> Layer {
        let h = try openHandle("create layer '\(name)'")
        let l = try GDAL.make("create layer '\(name)'", path: path) {
            GDALDatasetCreateLayer(h, name, polygons ? srs?.handle : nil, polygons ? wkbMultiPolygon : wkbNone, nil)
        }
        for (fname, type) in fields {
            let t: OGRFieldType
            switch type {
            case .string: t = OFTString
            case .integer64: t = OFTInteger64
            case .real: t = OFTReal
            }
            let defn = try GDAL.make("create field '\(fname)'", path: path, fallback: "out of memory") { OGR_Fld_Create(fname, t) }
            defer { OGR_Fld_Destroy(defn) }
            try GDAL.check("create field '\(fname)'", path: path, fallback: GDAL.noMessage) { OGR_L_CreateField(l, defn, 1) }
        }
        return Layer(handle: l, owner: self)
    }

    /// Wraps many writes in one transaction (much faster for GeoPackage). A failure of the
    /// body or of the commit rolls the transaction back and is rethrown.
    public func transaction(_ body: () throws -> Void) throws {
        let h = try openHandle("write")
        try GDAL.check("start a transaction", path: path) { GDALDatasetStartTransaction(h, 0) }
        do {
            try body()
            try GDAL.check("write", path: path, fallback: GDAL.noMessage) { GDALDatasetCommitTransaction(h) }
        } catch {
            // Best effort: the error being thrown is the one that matters.
            _ = GDALDatasetRollbackTransaction(h)
            throw error
        }
    }

    public final class Layer {
        let handle: OGRLayerH
        let owner: VectorWriter
        init(handle: OGRLayerH, owner: VectorWriter) {
            self.handle = handle
            self.owner = owner
        }

        /// The name of the layer's feature-id column ("fid" in a GeoPackage, "ogc_fid" in PostGIS).
        public var fidColumn: String { String(cString: OGR_L_GetFIDColumn(handle)) }

        public func add(_ values: [(String, FieldValue)], geometry: Geometry?) throws {
            let path = owner.path
            let f = try GDAL.make("create feature", path: path, fallback: "out of memory") {
                OGR_F_Create(OGR_L_GetLayerDefn(handle))
            }
            defer { OGR_F_Destroy(f) }
            for (name, v) in values {
                let i = OGR_F_GetFieldIndex(f, name)
                guard i >= 0 else {
                    throw GDALError(operation: "write feature", path: path, message: "the layer has no field named '\(name)'")
                }
                switch v {
                case .string(let s): OGR_F_SetFieldString(f, i, s)
                case .integer(let n): OGR_F_SetFieldInteger64(f, i, n)
                case .real(let x): OGR_F_SetFieldDouble(f, i, x)
                case .null: OGR_F_SetFieldNull(f, i)
                }
            }
            if let g = geometry {
                let clone = try GDAL.make("write feature", path: path, fallback: "out of memory") { OGR_G_Clone(g.handle) }
                let multi = try GDAL.make("write feature", path: path, fallback: "cannot make a multipolygon") {
                    OGR_G_ForceToMultiPolygon(clone)
                }
                // SetGeometryDirectly takes ownership of `multi`, even when it fails.
                try GDAL.check("write feature", path: path) { OGR_F_SetGeometryDirectly(f, multi) }
            }
            try GDAL.check("write feature", path: path, fallback: GDAL.noMessage) { OGR_L_CreateFeature(handle, f) }
        }
    }
}
