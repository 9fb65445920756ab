import Foundation
import SinkmapArchive
import SinkmapBase

/// What the report reads from a series directory (`sinkmap series`): its `summary.json`, the
/// per-unit tables `series.csv` and `trend.csv` exactly as the series wrote them, and the run
/// directory of its last year (the scope, maps, one-map tables and atlas of the report).
public struct SeriesDirectory {
    public var path: String
    public var summary: SeriesSummary
    /// The years, ascending, as the series ran them.
    public var years: [Int]
    /// `series.csv`: one row per level, unit and year.
    public var series: CSVTable
    /// `trend.csv`: one row per level, unit and quantity (`nep_tc`, `carbon_tc`).
    public var trend: CSVTable
    public var latest: RunDirectory

    /// One row of `trend.csv`, its figures as text exactly as the file states them.
    public struct TrendRow: Sendable {
        public var level, unitID, unitName, quantity, years, slope, intercept, z, p, trend: String
    }

    /// A directory with the files of a series (`summary.json`, `series.csv`, `trend.csv`).
    public static func isSeries(_ path: String) -> Bool {
        ["summary.json", "series.csv", "trend.csv"].allSatisfy { FileManager.default.fileExists(atPath: path + "/" + $0) }
    }

    public init(path: String) throws {
        self.path = path
        do {
            summary = try SeriesSummary.read(path: path + "/summary.json")
        } catch {
            throw Refusal("\(path)/summary.json: not a series summary sinkmap can read (\(error))")
        }
        years = summary.years.map(\.year)
        guard let last = summary.years.last else {
            throw Refusal("\(path)/summary.json: a series without years")
        }
        series = CSVTable(text: try String(contentsOfFile: path + "/series.csv", encoding: .utf8))
        trend = CSVTable(text: try String(contentsOfFile: path + "/trend.csv", encoding: .utf8))
        for (file, table, columns) in [("series.csv", series, SeriesTables.seriesHeader), ("trend.csv", trend, SeriesTables.trendHeader)] {
            if let missing = columns.first(where: { table.column($0) == nil }) {
                throw Refusal("\(path)/\(file): no column '\(missing)'")
            }
        }
        latest = try RunDirectory(path: path + "/" + last.directory)
    }

    /// The `series.csv` rows of a unit, by year (a missing year is absent).
    public func yearRows(level: String, unit: String) -> [Int: [String: String]] {
        var out: [Int: [String: String]] = [:]
        let l = series.column("level")!, id = series.column("unit_id")!, y = series.column("year")!
        for r in series.rows where r.count == series.header.count && r[l] == level && r[id] == unit {
            if let year = Int(r[y]) { out[year] = Dictionary(uniqueKeysWithValues: zip(series.header, r)) }
        }
        return out
    }

    /// The rows of `trend.csv`, in file order.
    public var trends: [TrendRow] {
        let c = Dictionary(uniqueKeysWithValues: trend.header.enumerated().map { ($1, $0) })
        return trend.rows.filter { $0.count == trend.header.count }.map { r in
            TrendRow(level: r[c["level"]!], unitID: r[c["unit_id"]!], unitName: r[c["unit_name"]!], quantity: r[c["quantity"]!],
                     years: r[c["years"]!], slope: r[c["slope_per_year"]!], intercept: r[c["intercept"]!], z: r[c["mk_z"]!],
                     p: r[c["p_value"]!], trend: r[c["trend"]!])
        }
    }
}
