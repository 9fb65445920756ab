import Foundation
import SinkmapStatistics
import SinkmapAccounting
import SinkmapBase

/// One unit's figures across the years of a series, as exact fixed-point sums (`Quantity`
/// decimals), read from each year's `zonal.csv` (ecosystem `all`, red line `all`).
public struct UnitSeries: Sendable {
    public var level: String
    public var unitID: String
    public var unitName: String
    /// NEP per year (nil: no valid NEP in the unit that year).
    public var nep: [Int128?]
    public var carbon: [Int128?]
}

/// The per-unit tables of a series: `series.csv` (the NEP-based and the stock-difference sink
/// side by side), `change.csv` (year-on-year change) and `trend.csv` (Theil–Sen and
/// Mann–Kendall of annual NEP and carbon stock).
public enum SeriesTables {
    public static let seriesHeader = ["level", "unit_id", "unit_name", "year", "nep_tco2e", "stock_change_tco2e_per_year",
                                      "difference_tco2e", "nep_tc", "carbon_tc", "stock_change_tc", "interval_years"]
    public static let changeHeader = ["level", "unit_id", "unit_name", "from_year", "to_year", "nep_tc_change",
                                      "carbon_tc_change", "nep_tco2e_change", "carbon_tco2e_change"]
    public static let trendHeader = ["level", "unit_id", "unit_name", "quantity", "years", "slope_per_year", "intercept",
                                     "mk_s", "mk_var", "mk_z", "p_value", "trend"]

    /// The units of every year's table, in the first year's order. Refuses tables whose units differ.
    public static func units(_ tables: [ZonalCSV]) throws -> [UnitSeries] {
        var out: [UnitSeries] = []
        var index: [String: Int] = [:]
        for (y, table) in tables.enumerated() {
            let rows = try table.unitRows()
            let (l, id, name) = (try table.column("level"), try table.column("unit_id"), try table.column("unit_name"))
            let (nep, carbon) = (try table.column("nep_tc"), try table.column("carbon_tc"))
            guard rows.count == (y == 0 ? rows.count : out.count) else {
                throw Refusal("\(table.path): \(rows.count) units, the first year's table has \(out.count)")
            }
            for r in rows {
                let key = r[l] + "\u{1}" + r[id]
                let n = r[nep].isEmpty ? nil : try decimal(r[nep], .nep, table)
                let c = r[carbon].isEmpty ? nil : try decimal(r[carbon], .carbon, table)
                if y == 0 {
                    index[key] = out.count
                    out.append(UnitSeries(level: r[l], unitID: r[id], unitName: r[name], nep: [n], carbon: [c]))
                } else {
                    guard let i = index[key], out[i].nep.count == y else {
                        throw Refusal("\(table.path): unit \(r[l]) \(r[id]) is not in the first year's table")
                    }
                    out[i].nep.append(n)
                    out[i].carbon.append(c)
                }
            }
        }
        return out
    }

    static func decimal(_ text: String, _ q: Quantity, _ table: ZonalCSV) throws -> Int128 {
        guard let v = ExactDecimal.parse(text, decimals: q.decimals) else {
            throw Refusal("\(table.path): '\(text)' is not an exact \(q.rawValue) total")
        }
        return v
    }

    static func co2e(_ q: Quantity, _ v: Int128) -> String { NumberText.shortest(Quantity.co2e(q.value(v))) }

    /// `series.csv`: one row per unit and year. The stock-difference sink of year y is the
    /// carbon stock of y minus that of the previous year of the series, per year of the
    /// interval, in tCO₂e; empty in the first year. `difference_tco2e` is stock − NEP.
    public static func seriesCSV(_ units: [UnitSeries], years: [Int]) -> String {
        var out = seriesHeader.joined(separator: ",") + "\n"
        for u in units {
            for (k, year) in years.enumerated() {
                var cells = [u.level, u.unitID, u.unitName, String(year)]
                let nepText = u.nep[k].map { co2e(.nep, $0) } ?? ""
                var stockRate = "", difference = "", stockChange = "", interval = ""
                if k > 0, let c1 = u.carbon[k], let c0 = u.carbon[k - 1] {
                    let gap = year - years[k - 1]
                    let rate = Quantity.co2e(Quantity.carbon.value(c1 - c0)) / Double(gap)
                    stockRate = NumberText.shortest(rate)
                    if let n = u.nep[k] { difference = NumberText.shortest(rate - Quantity.co2e(Quantity.nep.value(n))) }
                    stockChange = Quantity.carbon.text(c1 - c0)
                    interval = String(gap)
                }
                cells += [nepText, stockRate, difference, u.nep[k].map { Quantity.nep.text($0) } ?? "",
                          u.carbon[k].map { Quantity.carbon.text($0) } ?? "", stockChange, interval]
                out += cells.map(ZonalTable.quote).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// `change.csv`: one row per unit and pair of consecutive years; exact differences of
    /// the tC totals (empty where either year has no value), CO₂e from them.
    public static func changeCSV(_ units: [UnitSeries], years: [Int]) -> String {
        var out = changeHeader.joined(separator: ",") + "\n"
        for u in units {
            for k in 1..<years.count {
                func diff(_ v: [Int128?]) -> Int128? { v[k].flatMap { a in v[k - 1].map { a - $0 } } }
                let dn = diff(u.nep), dc = diff(u.carbon)
                let cells = [u.level, u.unitID, u.unitName, String(years[k - 1]), String(years[k]),
                             dn.map { Quantity.nep.text($0) } ?? "", dc.map { Quantity.carbon.text($0) } ?? "",
                             dn.map { co2e(.nep, $0) } ?? "", dc.map { co2e(.carbon, $0) } ?? ""]
                out += cells.map(ZonalTable.quote).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// `trend.csv`: per unit and quantity (`nep_tc`, `carbon_tc`, in tC and tC per year), over
    /// the years with a value; statistics empty when fewer than `Trend.minimumCount` have one.
    public static func trendCSV(_ units: [UnitSeries], years: [Int]) -> String {
        var out = trendHeader.joined(separator: ",") + "\n"
        for u in units {
            for (name, q, values) in [("nep_tc", Quantity.nep, u.nep), ("carbon_tc", Quantity.carbon, u.carbon)] {
                var x: [Double] = [], y: [Double] = []
                for (k, v) in values.enumerated() { if let v { x.append(Double(years[k])); y.append(q.value(v)) } }
                var cells = [u.level, u.unitID, u.unitName, name, String(y.count)]
                if y.count >= Trend.minimumCount {
                    let line = Trend.theilSen(x: x, y: y), mk = Trend.mannKendall(y)
                    cells += [line.slope, line.intercept].map(NumberText.shortest)
                    cells += [String(mk.s), NumberText.shortest(mk.variance), NumberText.shortest(mk.z),
                              NumberText.shortest(mk.p), mk.trend()]
                } else {
                    cells += Array(repeating: "", count: 7)
                }
                out += cells.map(ZonalTable.quote).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
