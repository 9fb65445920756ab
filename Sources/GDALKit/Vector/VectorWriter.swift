import CGDAL

/// A vector dataset being written (e.g. a GeoPackage), layer by layer.
public final class VectorWriter {
    public private(set) var handle: GDALDatasetH?
    public let path: String

    public enum FieldType { case string, integer64, real }
    public enum FieldValue {
        case string(String), integer(Int64), real(Double)
    }

    public init(path: String, driver: String = "GPKG") throws {
        GDAL.initialize()
        guard let d = GDALGetDriverByName(driver) else {
            throw GDALError(operation: "create vector", path: path, message: "GDAL has no \(driver) driver")
        }
        GDAL.resetError()
        guard let h = GDALCreate(d, path, 0, 0, 0, GDT_Unknown, nil) else {
            throw GDALError.last("create vector", path: path)
        }
        handle = h
        self.path = path
    }

    deinit { if let handle { GDALClose(handle) } }

    /// Closes the file, reporting a failure to write it (disk full, ...).
    public func close() throws {
        guard let h = handle else { return }
        handle = nil
        GDAL.resetError()
        GDALClose(h)
        if CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal {
            throw GDALError.last("write", path: path)
        }
    }

    /// Creates a polygon layer with the given fields (in order).
    public func createLayer(_ name: String, srs: SpatialReference?, fields: [(String, FieldType)]) throws -> Layer {
        GDAL.resetError()
        guard let l = GDALDatasetCreateLayer(handle!, name, srs?.handle, wkbMultiPolygon, nil) else {
            throw GDALError.last("create layer '\(name)'", path: path)
        }
        for (fname, type) in fields {
            let t: OGRFieldType
            switch type {
            case .string: t = OFTString
            case .integer64: t = OFTInteger64
            case .real: t = OFTReal
            }
            let defn = OGR_Fld_Create(fname, t)
            defer { OGR_Fld_Destroy(defn) }
            guard OGR_L_CreateField(l, defn, 1) == OGRERR_NONE else {
                throw GDALError.last("create field '\(fname)'", path: path)
            }
        }
        return Layer(handle: l, owner: self)
    }

    /// Wraps many writes in one transaction (much faster for GeoPackage).
    public func transaction(_ body: () throws -> Void) throws {
        GDALDatasetStartTransaction(handle!, 0)
        do {
            try body()
        } catch {
            GDALDatasetRollbackTransaction(handle!)
            throw error
        }
        GDAL.resetError()
        guard GDALDatasetCommitTransaction(handle!) == OGRERR_NONE else {
            throw GDALError.last("write", path: path)
        }
    }

    public final class Layer {
        let handle: OGRLayerH
        let owner: VectorWriter
        init(handle: OGRLayerH, owner: VectorWriter) {
            self.handle = handle
            self.owner = owner
        }

        public func add(_ values: [(String, FieldValue)], geometry: Geometry?) throws {
            guard let f = OGR_F_Create(OGR_L_GetLayerDefn(handle)) else {
                throw GDALError(operation: "create feature", path: owner.path, message: "out of memory")
            }
            defer { OGR_F_Destroy(f) }
            for (name, v) in values {
                let i = OGR_F_GetFieldIndex(f, name)
                switch v {
                case .string(let s): OGR_F_SetFieldString(f, i, s)
                case .integer(let n): OGR_F_SetFieldInteger64(f, i, n)
                case .real(let x): OGR_F_SetFieldDouble(f, i, x)
                }
            }
            if let g = geometry {
                let multi = OGR_G_ForceToMultiPolygon(OGR_G_Clone(g.handle))
                OGR_F_SetGeometryDirectly(f, multi)
            }
            GDAL.resetError()
            guard OGR_L_CreateFeature(handle, f) == OGRERR_NONE else {
                throw GDALError.last("write feature", path: owner.path)
            }
        }
    }
}
