import Foundation
import GDALKit
import SinkmapArchive
import SinkmapAccounting
import SinkmapBase

/// The carbon ledger: an append-only table `carbon_ledger` in a GeoPackage or a PostgreSQL/
/// PostGIS database, both through GDAL's drivers (one code path, each in its own SQL). Each
/// row is a row of a run's `zonal.csv` (every figure as the exact decimal text, so nothing is
/// lost in the round trip) with its `year`, `run_id` (`RunID`), `recorded_at` (UTC),
/// `software_version` and `supersedes` (the run it restates, or NULL). Appending a run already
/// recorded for the year changes nothing; another run for a year already present is a
/// restatement: its rows are added, none is changed or removed. The current figures of a year
/// are those of the run nobody supersedes (`currentCondition`).
public final class CarbonLedger {
    public static let table = "carbon_ledger"
    public static let ledgerColumns = ["run_id", "recorded_at", "software_version", "supersedes"]
    /// Every column, in order: year, the columns of zonal.csv, then the ledger's own.
    public static var columns: [String] { ["year"] + ZonalTable.header + ledgerColumns }
    static let integerColumns: Set<String> = ["year", "pixels", "pixels_nep"]

    /// Opened on first use, so a refused run creates no ledger file.
    private var opened: VectorWriter?
    private let target: String
    public let connection: String

    public enum AppendResult: CustomStringConvertible, Equatable {
        case appended(rows: Int, runID: String)
        case alreadyRecorded(runID: String)
        case restated(rows: Int, runID: String, supersedes: String)

        public var description: String {
            switch self {
            case .appended(let n, let id): return "appended \(n) rows of run \(id.prefix(12))"
            case .alreadyRecorded(let id): return "run \(id.prefix(12)) is already recorded; nothing appended"
            case .restated(let n, let id, let old): return "appended \(n) rows of run \(id.prefix(12)), a restatement of run \(old.prefix(12))"
            }
        }
    }

    /// Opens the ledger at `connection` (a GeoPackage path, created when missing, or `PG:...`).
    public init(connection: String) {
        self.connection = VectorWriter.redacted(connection)
        target = connection
    }

    var db: VectorWriter {
        get throws {
            if let opened { return opened }
            let d = try VectorWriter(updating: target)
            opened = d
            return d
        }
    }

    public static let currentView = "carbon_ledger_current"

    /// The ledger's table, created on first use with the view `carbon_ledger_current` (the
    /// rows of the runs nobody supersedes; plain SQL, the same in SQLite and PostgreSQL).
    func ledgerTable() throws -> VectorWriter.Layer {
        let db = try self.db
        if let l = try db.layer(named: Self.table) { return l }
        let layer = try db.createLayer(Self.table, srs: nil, fields: Self.columns.map {
            ($0, Self.integerColumns.contains($0) ? .integer64 : .string)
        }, polygons: false)
        try db.execute("CREATE VIEW \(Self.currentView) AS SELECT * FROM \(Self.table) c WHERE \(Self.currentCondition)")
        return layer
    }

    /// SQL text literal.
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Rows of the run nobody supersedes, for alias `c`.
    static let currentCondition = "NOT EXISTS (SELECT 1 FROM \(table) s WHERE s.year = c.year AND s.supersedes = c.run_id)"

    /// Appends the run in `runDirectory` (its `summary.json` and `zonal.csv`) for `year`
    /// (default: the calendar year of its 12 months; runs over two calendar years need it).
    public func append(runDirectory: String, year: Int?) throws -> AppendResult {
        let summaryPath = runDirectory + "/summary.json"
        guard FileManager.default.fileExists(atPath: summaryPath) else {
            throw Refusal("\(runDirectory): not a sinkmap run output (no summary.json)")
        }
        let summary: Summary
        do { summary = try Summary.read(path: summaryPath) } catch {
            throw Refusal("\(summaryPath): not a run's summary (\(error.localizedDescription))")
        }
        let zonal = try ZonalCSV(path: runDirectory + "/zonal.csv")
        guard zonal.header == ZonalTable.header else {
            throw Refusal("\(zonal.path): its columns are not those of this version's zonal.csv")
        }
        let years = Set(summary.months.compactMap { Int($0.prefix(4)) })
        guard let year = year ?? (years.count == 1 ? years.first : nil) else {
            throw Refusal("\(runDirectory): its months span \(summary.months.first ?? "?")..\(summary.months.last ?? "?"); give --year")
        }
        let runID = try RunID.of(summary)
        let layer = try ledgerTable()
        let db = try self.db
        let recorded = try db.query("SELECT DISTINCT run_id FROM \(Self.table) WHERE year = \(year) AND run_id = \(Self.literal(runID))")
        if !recorded.rows.isEmpty { return .alreadyRecorded(runID: runID) }
        let current = try db.query("SELECT DISTINCT c.run_id FROM \(Self.table) c WHERE c.year = \(year) AND \(Self.currentCondition)")
        let supersedes = current.rows.first.flatMap { $0[0] }
        let now = ISO8601DateFormatter().string(from: Date())
        try db.transaction {
            for row in zonal.rows {
                var values: [(String, VectorWriter.FieldValue)] = [("year", .integer(Int64(year)))]
                for (name, cell) in zip(zonal.header, row) {
                    if Self.integerColumns.contains(name) {
                        guard let n = Int64(cell) else { throw Refusal("\(zonal.path): \(name) '\(cell)' is not an integer") }
                        values.append((name, .integer(n)))
                    } else {
                        values.append((name, cell.isEmpty ? .null : .string(cell)))
                    }
                }
                values += [("run_id", .string(runID)), ("recorded_at", .string(now)),
                           ("software_version", .string(summary.software.version)),
                           ("supersedes", supersedes.map { .string($0) } ?? .null)]
                try layer.add(values, geometry: nil)
            }
        }
        if let supersedes { return .restated(rows: zonal.rows.count, runID: runID, supersedes: supersedes) }
        return .appended(rows: zonal.rows.count, runID: runID)
    }

    /// The ledger opened read-only, for reading the figures (a reviewer's role may not write).
    func reader() throws -> (VectorDataset, VectorLayer) {
        let d: VectorDataset
        do {
            d = try VectorDataset(path: target)
        } catch var e as GDALError {
            e.path = connection  // the password hidden
            throw e
        }
        guard d.hasLayer(Self.table) else {
            throw Refusal("\(connection): holds no carbon ledger (no table \(Self.table)); append a run first")
        }
        return (d, try d.layer(Self.table))
    }

    /// The current figures (rows of the runs nobody supersedes), optionally of one unit id
    /// (at any level) and one year, in year and recording order.
    public func current(unit: String? = nil, year: Int? = nil) throws -> QueryResult {
        let (d, layer) = try reader()
        var conditions = [Self.currentCondition]
        if let unit { conditions.append("c.unit_id = \(Self.literal(unit))") }
        if let year { conditions.append("c.year = \(year)") }
        let columns = Self.columns.map { "c.\"\($0)\"" }.joined(separator: ", ")
        let fid = layer.fidColumn.isEmpty ? "" : ", c.\"\(layer.fidColumn)\""
        return try d.query("SELECT \(columns) FROM \(Self.table) c WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.year\(fid)")
    }

    /// Every row ever recorded (restated ones included), in recording order.
    public func history() throws -> QueryResult {
        let (d, layer) = try reader()
        let columns = Self.columns.map { "c.\"\($0)\"" }.joined(separator: ", ")
        let fid = layer.fidColumn.isEmpty ? "" : " ORDER BY c.\"\(layer.fidColumn)\""
        return try d.query("SELECT \(columns) FROM \(Self.table) c\(fid)")
    }

    /// A query result as CSV.
    public static func csv(_ result: QueryResult) -> String {
        var out = result.columns.joined(separator: ",") + "\n"
        for row in result.rows { out += row.map { ZonalTable.quote($0 ?? "") }.joined(separator: ",") + "\n" }
        return out
    }

    /// Closes the ledger, reporting a failure to write it.
    public func close() throws { try opened?.close() }
}
