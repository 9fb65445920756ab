import Foundation
import SinkmapAccounting
import SinkmapArchive

/// The sections of a series directory's report: the scene totals per year, the trend per unit
/// (Theil–Sen slope and Mann–Kendall test, as `trend.csv` states them), a chart per unit of its
/// yearly NEP and carbon stock with the Theil–Sen line, and a suggestion per significant decrease.
extension ReportBuilder {
    /// Charts are drawn for the units of every level with at most this many units.
    static let maxChartedUnits = 30

    func seriesSection(_ s: SeriesDirectory) -> String {
        var out = "<p>\(Html.esc(text["series_scope"])) \(s.years.map(String.init).joined(separator: ", ")). "
        out += "\(Html.esc(text["series_latest"])) \(s.years.last.map(String.init) ?? "").</p>"
        out += "<h3>\(Html.esc(text["series_totals"]))</h3>" + seriesTotals(s)
        out += "<h3>\(Html.esc(text["series_trend"]))</h3>" + trendTable(s)
        out += "<h3>\(Html.esc(text["series_charts"]))</h3>"
        let trends = s.trends
        for level in run.levels.reversed() {
            let units = run.unitRows(level: level)
            guard units.count <= ReportBuilder.maxChartedUnits else {
                out += "<p class=\"note\">\(Html.esc(level)): \(units.count) \(Html.esc(text["series_too_many"]))</p>"
                continue
            }
            out += "<h4>\(Html.esc(text["level"])): \(Html.esc(level))</h4><div class=\"trendcharts\">"
            for u in units {
                let rows = s.yearRows(level: level, unit: u.unitID)
                out += "<figure class=\"unit-trend\" data-unit=\"\(Html.esc(level))/\(Html.esc(u.unitID))\">"
                out += "<figcaption>\(Html.esc(u.unitName)) (\(Html.esc(u.unitID)))</figcaption>"
                for (q, colour, unit) in [("nep_tc", "#01665e", text.language == .zh ? "tC/a" : "tC/yr"), ("carbon_tc", "#2c7fb8", "tC")] {
                    let values = s.years.map { y in rows[y]?[q].flatMap { Double($0) } }
                    let t = trends.first { $0.level == level && $0.unitID == u.unitID && $0.quantity == q }
                    let line = t.flatMap { t -> TrendChart.Line? in
                        guard let slope = Double(t.slope), let intercept = Double(t.intercept) else { return nil }
                        return TrendChart.Line(slope: slope, intercept: intercept, slopeText: t.slope, interceptText: t.intercept)
                    }
                    out += TrendChart.svg(title: text[q == "nep_tc" ? "map_nep" : "map_carbon"], years: s.years, values: values,
                                          unit: unit, line: line, colour: colour)
                }
                out += "</figure>"
            }
            out += "</div>"
        }
        return out
    }

    /// Per year: the scene totals from the coarsest level's units in `series.csv` (`sceneTotals`).
    func seriesTotals(_ s: SeriesDirectory) -> String {
        let keys = ["nep_tc", "nep_tco2e", "carbon_tc", "stock_change_tc", "stock_change_tco2e_per_year"]
        var html = "<div class=\"scroll\"><table class=\"sortable series-totals\"><thead><tr><th>\(Html.esc(text["year"]))</th>"
        html += keys.map { "<th>\(Html.esc(text[$0]))</th>" }.joined() + "</tr></thead><tbody>"
        guard let coarsest = run.levels.last else { return html + "</tbody></table></div>" }
        let perUnit = run.unitRows(level: coarsest).map { s.yearRows(level: coarsest, unit: $0.unitID) }
        for year in s.years {
            let totals = ReportBuilder.sceneTotals(perUnit.compactMap { $0[year] })
            html += "<tr data-year=\"\(year)\"><td>\(year)</td>"
            for key in keys {
                let v = totals[key] ?? ""
                html += v.isEmpty ? "<td></td>" : "<td class=\"num\" data-v=\"\(Html.esc(v))\">\(Html.esc(v))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// The scene totals of one year from the `series.csv` rows of the coarsest level's units:
    /// the one unit's figures as the file states them; for several units the exact sum of their
    /// tC figures (fixed-point decimals) and the tCO₂e from it the way `series.csv` computes it.
    /// A figure missing from any unit is left empty.
    public static func sceneTotals(_ units: [[String: String]]) -> [String: String] {
        if units.count == 1 { return units[0] }
        var out: [String: String] = [:]
        func sum(_ key: String, _ q: Quantity) -> Int128? {
            let parts = units.map { $0[key].flatMap { ExactDecimal.parse($0, decimals: q.decimals) } }
            return units.isEmpty || parts.contains(where: { $0 == nil }) ? nil : parts.reduce(0) { $0 + $1! }
        }
        if let n = sum("nep_tc", .nep) {
            out["nep_tc"] = Quantity.nep.text(n)
            out["nep_tco2e"] = NumberText.shortest(Quantity.co2e(Quantity.nep.value(n)))
        }
        if let c = sum("carbon_tc", .carbon) { out["carbon_tc"] = Quantity.carbon.text(c) }
        if let d = sum("stock_change_tc", .carbon) {
            out["stock_change_tc"] = Quantity.carbon.text(d)
            if let gap = units.first?["interval_years"].flatMap({ Int($0) }), gap > 0 {
                out["stock_change_tco2e_per_year"] = NumberText.shortest(Quantity.co2e(Quantity.carbon.value(d)) / Double(gap))
            }
        }
        return out
    }

    func trendTable(_ s: SeriesDirectory) -> String {
        let header = [text["level"], text["unit_id"], text["unit_name"], text["quantity"], text["years"], text["slope"],
                      "Mann–Kendall Z", text["p_value"], text["trend"]]
        var html = "<div class=\"scroll\"><table class=\"sortable trend\"><thead><tr>" + header.map { "<th>\(Html.esc($0))</th>" }.joined()
        html += "</tr></thead><tbody>"
        for t in s.trends {
            let cls = t.trend == "decreasing" ? " class=\"decreasing\"" : ""
            html += "<tr\(cls) data-trend=\"\(Html.esc(t.level))/\(Html.esc(t.unitID))/\(Html.esc(t.quantity))\">"
            html += [t.level, t.unitID, t.unitName, text[t.quantity]].map { "<td>\(Html.esc($0))</td>" }.joined()
            for (key, v) in [("years", t.years), ("slope", t.slope), ("z", t.z), ("p", t.p)] {
                html += v.isEmpty ? "<td></td>" : "<td class=\"num\" data-k=\"\(key)\" data-v=\"\(Html.esc(v))\">\(Html.esc(v))</td>"
            }
            html += "<td>\(Html.esc(t.trend.isEmpty ? "" : text["trend_" + t.trend]))</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// A suggestion per unit and quantity whose trend is significantly decreasing (Mann–Kendall,
    /// p < 0.05, as `trend.csv` states it).
    func seriesSuggestionItems(_ s: SeriesDirectory) -> [String] {
        let zh = text.language == .zh
        let span = "\(s.years.first.map(String.init) ?? "")–\(s.years.last.map(String.init) ?? "")"
        return s.trends.filter { $0.trend == "decreasing" }.map { t in
            let what = t.quantity == "nep_tc" ? "NEP" : text["carbon_stock"]
            let unit = t.quantity == "nep_tc" ? (zh ? "tC/a" : "tC/yr") : "tC"
            return zh
                ? "\(t.unitName)（\(t.unitID)，\(t.level)）：\(what) 在 \(span) 年显著下降（Theil–Sen 斜率每年 \(t.slope) \(unit)，Mann–Kendall p = \(t.p)），请核查该单元的土地利用变化、干扰和输入数据。"
                : "\(t.unitName) (\(t.unitID), \(t.level)): \(what) decreases significantly over \(span) (Theil–Sen slope \(t.slope) \(unit) per year, Mann–Kendall p = \(t.p)); check the unit's land-use change, disturbances and inputs."
        }
    }
}
