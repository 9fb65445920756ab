import CGDAL

/// The rows of an SQL query: column names and each row's cells as text (nil for NULL).
public struct QueryResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String?]]

    public init(columns: [String], rows: [[String?]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// SQL and layers of a dataset open for writing, in the data source's own SQL dialect
/// (SQLite for a GeoPackage, PostgreSQL for `PG:`), so one code path serves both.
extension VectorWriter {
    /// The named layer (a table), or nil when the dataset has none of that name.
    public func layer(named name: String) throws -> Layer? {
        let h = try openHandle("open layer '\(name)'")
        CPLErrorReset()
        guard let l = GDALDatasetGetLayerByName(h, name) else { return nil }
        return Layer(handle: l, owner: self)
    }

    /// Runs a query that returns rows (SELECT).
    public func query(_ sql: String) throws -> QueryResult {
        try GDAL.query(try openHandle("query"), sql, path: path)
    }

    /// Runs a statement that returns no rows (CREATE VIEW, ...); a failure throws GDAL's message.
    public func execute(_ sql: String) throws {
        let h = try openHandle("execute SQL")
        let result = try GDAL.checkLastError("execute SQL", path: path) { GDALDatasetExecuteSQL(h, sql, nil, nil) }
        if let result { GDALDatasetReleaseResultSet(h, result) }
    }
}

/// Queries of a dataset opened read-only (a reviewer's role may not write).
extension VectorDataset {
    /// Runs a query that returns rows (SELECT), in the data source's own SQL dialect.
    public func query(_ sql: String) throws -> QueryResult {
        try GDAL.query(handle, sql, path: path)
    }

    /// Whether the dataset has a layer (table) of that name.
    public func hasLayer(_ name: String) -> Bool {
        CPLErrorReset()
        return GDALDatasetGetLayerByName(handle, name) != nil
    }
}

extension VectorLayer {
    /// The name of the layer's feature-id column ("fid" in a GeoPackage, "ogc_fid" in PostGIS).
    public var fidColumn: String { String(cString: OGR_L_GetFIDColumn(handle)) }
}

extension GDAL {
    /// The rows of `sql` run on `dataset` (GDALDatasetExecuteSQL), its result set released.
    static func query(_ dataset: GDALDatasetH, _ sql: String, path: String) throws -> QueryResult {
        let result = try GDAL.make("query", path: path, fallback: "the query returned no result set: \(sql)") {
            GDALDatasetExecuteSQL(dataset, sql, nil, nil)
        }
        defer { GDALDatasetReleaseResultSet(dataset, result) }
        let defn = OGR_L_GetLayerDefn(result)
        let count = Int32(OGR_FD_GetFieldCount(defn))
        let columns = (0..<count).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, $0))) }
        var rows: [[String?]] = []
        OGR_L_ResetReading(result)
        while let f = try GDAL.next("query", path: path, { OGR_L_GetNextFeature(result) }) {
            defer { OGR_F_Destroy(f) }
            rows.append((0..<count).map { i in
                OGR_F_IsFieldSetAndNotNull(f, i) != 0 ? String(cString: OGR_F_GetFieldAsString(f, i)) : nil
            })
        }
        return QueryResult(columns: columns, rows: rows)
    }
}
