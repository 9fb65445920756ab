import Foundation
import GDALKit
import SinkmapReport
import Testing
import TestSupport

/// A five-year series generated from the demo scene, run with `sinkmap series`, and its report.
///
/// Like the series tests' `SeriesScene` (one scene per year, months moved to the year, one input
/// changed in a known way), but on the demo's Chinese-named townships, counties and city, and over
/// five years: with four, Mann–Kendall cannot reach p < 0.05 (its smallest p is 0.089), so no
/// trend could be significant. Year k (0…4) reads the demo's NDVI times 1 − 0.06·k in the western
/// half of the grid (columns < 256) and unchanged in the east. NPP grows with NDVI and Rh does not
/// depend on it, so units reaching into the west lose NEP every year (a significant decrease),
/// units wholly in the east have the same figures every year (no trend), and the carbon stock,
/// which NDVI does not enter, stays flat.
final class DemoSeries: Sendable {
    static let shared = DemoSeries()
    static let years = [2019, 2020, 2021, 2022, 2023]
    let demo: DemoCopy
    var out: String { demo.dir.file("series") }
    var html: String { demo.dir.file("series-report.html") }
    var pdf: String { demo.dir.file("series-report.pdf") }
    let series: ProcessResult
    let report: ProcessResult

    init() {
        demo = try! DemoCopy("report-series")
        let ndvi = Repo.root + "/testdata/demo/ndvi"
        let months = try! FileManager.default.contentsOfDirectory(atPath: ndvi).filter { $0.hasSuffix(".tif") }.sorted()
        var seriesFile = "name: shangyu-series\nyears:\n"
        for (k, year) in DemoSeries.years.enumerated() {
            let dir = demo.dir.file("ndvi-\(year)")
            try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let factor = 1 - 0.06 * Double(k)
            for m in months {
                let ds = try! Dataset(path: ndvi + "/" + m)
                let grid = try! ds.grid()
                var v = [Float](repeating: 0, count: grid.pixelCount)
                try! v.withUnsafeMutableBufferPointer { try ds.readRaw(band: 1, window: grid.window, into: $0.baseAddress!) }
                for i in v.indices where v[i] != -32768 && i % grid.width < grid.width / 2 {
                    v[i] = Float((Double(v[i]) * factor).rounded())
                }
                try! Fixtures.raster(dir + "/" + m, grid: grid, bands: [v], type: .int16, nodata: -32768, scale: 0.0001)
            }
            let text = demo.sceneText.replacingOccurrences(of: "ndvi/", with: "ndvi-\(year)/")
                .replacingOccurrences(of: "month: 2023-", with: "month: \(year)-")
                .replacingOccurrences(of: "name: shangyu-2023-demo", with: "name: shangyu-\(year)")
            try! text.write(toFile: demo.dir.file("scene-\(year).yaml"), atomically: true, encoding: .utf8)
            seriesFile += "  \(year): scene-\(year).yaml\n"
        }
        try! seriesFile.write(toFile: demo.dir.file("series.yaml"), atomically: true, encoding: .utf8)
        series = try! sinkmap("series", demo.dir.file("series.yaml"), "--out", demo.dir.file("series"), "--quiet")
        report = try! sinkmap("report", demo.dir.file("series"), "--out", demo.dir.file("series-report.html"),
                              "--pdf", demo.dir.file("series-report.pdf"))
    }

    var htmlText: String { (try? String(contentsOfFile: html, encoding: .utf8)) ?? "" }
}

@Suite(.serialized) struct ReportSeriesTests {
    let fx = DemoSeries.shared

    /// The Theil–Sen slope computed here from the values: the median of the pairwise slopes.
    static func theilSen(_ x: [Double], _ y: [Double]) -> Double {
        var slopes: [Double] = []
        for i in 0..<x.count { for j in (i + 1)..<x.count where x[j] != x[i] { slopes.append((y[j] - y[i]) / (x[j] - x[i])) } }
        slopes.sort()
        let n = slopes.count
        return n % 2 == 1 ? slopes[n / 2] : (slopes[n / 2 - 1] + slopes[n / 2]) / 2
    }

    /// The text of the element opening with `open` (up to its first `close`).
    static func element(_ html: String, _ open: String, _ close: String) -> String? {
        html.range(of: open).flatMap { r in html[r.lowerBound...].range(of: close).map { String(html[r.lowerBound..<$0.upperBound]) } }
    }

    @Test func seriesSectionsShowEveryYearAndTheSeriesOwnTrends() throws {
        #expect(fx.series.status == 0, "\(fx.series.stderr)")
        #expect(fx.report.status == 0, "\(fx.report.stderr)")
        let html = fx.htmlText
        #expect(html.contains("<section class=\"section\" id=\"series\">") && html.contains("href=\"#series\""))
        #expect(html.contains("<title>生态系统碳汇核算报告 · shangyu-series 2019–2023</title>"))
        let series = try ZonalRows(path: fx.out + "/series.csv")
        let trend = try ZonalRows(path: fx.out + "/trend.csv")
        // Every year has its row of scene totals, as the city's rows of series.csv state them.
        let city = try #require(series.rows.first { $0["level"] == "city" }?["unit_id"])
        for year in DemoSeries.years {
            let row = try #require(series.rows.first { $0["level"] == "city" && $0["unit_id"] == city && $0["year"] == "\(year)" })
            let tr = try #require(Self.element(html, "<tr data-year=\"\(year)\">", "</tr>"), "no totals row for \(year)")
            for key in ["nep_tc", "carbon_tc", "nep_tco2e"] { #expect(tr.contains(">\(row[key]!)<"), "\(year) \(key)") }
        }
        // The trend table and the charts show each unit's slope exactly as trend.csv states it,
        // and that slope is the Theil–Sen slope of the unit's yearly values in series.csv.
        var decreasing = 0, flat = 0
        for t in trend.rows {
            let key = "\(t["level"]!)/\(t["unit_id"]!)/\(t["quantity"]!)"
            let tr = try #require(Self.element(html, "<tr data-trend=\"\(key)\"", "</tr>") ?? Self.element(html, "<tr class=\"decreasing\" data-trend=\"\(key)\"", "</tr>"), "\(key) not in the table")
            #expect(tr.contains("data-k=\"slope\" data-v=\"\(t["slope_per_year"]!)\">\(t["slope_per_year"]!)<"), "\(key) slope")
            #expect(tr.contains("data-k=\"p\" data-v=\"\(t["p_value"]!)\">"), "\(key) p")
            #expect(tr.hasPrefix("<tr class=\"decreasing\"") == (t["trend"] == "decreasing"), "\(key) marked")
            let rows = series.rows.filter { $0["level"] == t["level"] && $0["unit_id"] == t["unit_id"] }
            #expect(rows.map { $0["year"]! } == DemoSeries.years.map(String.init), "\(key) years")
            let ys = rows.map { Double($0[t["quantity"]!]!)! }
            let mine = Self.theilSen(DemoSeries.years.map(Double.init), ys)
            let shown = try #require(Double(t["slope_per_year"]!))
            #expect(abs(mine - shown) <= 1e-9 * max(1, abs(mine)), "\(key): Theil–Sen \(mine), shown \(shown)")
            let figure = try #require(Self.element(html, "<figure class=\"unit-trend\" data-unit=\"\(t["level"]!)/\(t["unit_id"]!)\">", "</figure>"))
            let lines = figure.components(separatedBy: "class=\"theil-sen\" data-slope=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(lines.count == 2 && lines[t["quantity"] == "nep_tc" ? 0 : 1] == t["slope_per_year"]!, "\(key) chart line \(lines)")
            if t["quantity"] == "nep_tc" { if t["trend"] == "decreasing" { decreasing += 1 } else if t["trend"] == "no trend" { flat += 1 } }
            if t["quantity"] == "carbon_tc" { #expect(t["trend"] == "no trend" && shown == 0, "\(key): carbon should be flat") }
        }
        #expect(decreasing >= 3 && flat >= 1, "\(decreasing) units decreasing, \(flat) without trend: the series lacks variety")
        // One suggestion per significantly decreasing unit and quantity, naming the unit and its slope.
        let suggestions = try #require(Self.element(html, "<section class=\"section\" id=\"suggestions\">", "</section>"))
        let items = suggestions.components(separatedBy: "<li>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        let trendItems = items.filter { $0.contains("Theil–Sen") }
        let down = trend.rows.filter { $0["trend"] == "decreasing" }
        #expect(trendItems.count == down.count, "\(trendItems.count) trend suggestions for \(down.count) decreasing rows")
        for t in down {
            #expect(trendItems.contains { $0.contains(t["unit_name"]!) && $0.contains("（\(t["unit_id"]!)，") && $0.contains(t["slope_per_year"]!) && $0.contains("p = \(t["p_value"]!)") },
                    "no suggestion for \(t["unit_name"]!) \(t["quantity"]!)")
        }
    }

    @Test func sceneTotalsOfSeveralUnitsAreExactSums() {
        let a = ["nep_tc": "1.5", "carbon_tc": "100.0001", "stock_change_tc": "", "interval_years": ""]
        let b = ["nep_tc": "-0.25", "carbon_tc": "200", "stock_change_tc": "", "interval_years": ""]
        let t = ReportBuilder.sceneTotals([a, b])
        #expect(t["nep_tc"] == "1.25" && t["carbon_tc"] == "300.0001" && t["stock_change_tc"] == nil)
        let nepCO2e: Double = 1.25 * 44.0 / 12.0
        #expect(t["nep_tco2e"].flatMap { Double($0) } == nepCO2e)
        let c = ["nep_tc": "0.1", "carbon_tc": "10", "stock_change_tc": "-2.5", "interval_years": "2"]
        let d = ["nep_tc": "0.2", "carbon_tc": "20", "stock_change_tc": "0.5", "interval_years": "2"]
        let u = ReportBuilder.sceneTotals([c, d])
        let rate: Double = -2.0 * 44.0 / 12.0 / 2.0
        #expect(u["nep_tc"] == "0.3" && u["stock_change_tc"] == "-2")
        #expect(u["stock_change_tco2e_per_year"].flatMap { Double($0) } == rate)
        // One unit: its figures as series.csv states them.
        #expect(ReportBuilder.sceneTotals([a]) == a)
        // A figure missing from a unit is not summed.
        #expect(ReportBuilder.sceneTotals([a, ["carbon_tc": "1"]])["nep_tc"] == nil)
    }

    @Test func englishSeriesLabels() throws {
        let dir = TempDir("report-series-en")
        let r = try sinkmap("report", fx.out, "--out", dir.file("en.html"), "--lang", "en")
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir.file("en.html"), encoding: .utf8)
        #expect(html.contains("<title>Ecosystem carbon-sink accounting report · shangyu-series 2019–2023</title>"))
        #expect(html.contains("Scene totals per year") && html.contains("decreases significantly over 2019–2023") && !html.contains("逐年全区合计"))
    }

    @Test func seriesReportRendersOfflineAndPrints() throws {
        let html = fx.htmlText
        #expect(!html.contains("http://") && !html.contains("https://"))
        let dir = TempDir("report-series-chromium")
        let shot = dir.file("series.png")
        let r = try Chromium.load(file: fx.html, extra: ["--screenshot=" + shot, "--window-size=1000,1600"], dir: dir, label: "series")
        #expect(r.result.status == 0 && FileManager.default.fileExists(atPath: shot))
        #expect(r.log.isEmpty, "net log: \(r.log.unexpected.prefix(20)) addresses \(r.log.addresses.prefix(20))")
        let dom = try Chromium.load(file: fx.html, extra: ["--dump-dom"], dir: dir, label: "series-dom")
        #expect(dom.log.isEmpty, "net log: \(dom.log.unexpected.prefix(20))")
        for t in try ZonalRows(path: fx.out + "/trend.csv").rows { #expect(dom.result.stdout.contains(t["unit_name"]!)) }
        for year in DemoSeries.years { #expect(dom.result.stdout.contains("<tr data-year=\"\(year)\">")) }
        // The PDF: the summary pages (the series section among them), then one atlas page per county of the last year.
        let info = try runProcess("/usr/bin/pdfinfo", [fx.pdf])
        let pages = try #require(info.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last!) })
        let counties = try ZonalRows(path: fx.out + "/2023/zonal.csv").units("county")
        var text: [String] = []
        for p in 1...pages { text.append(try runProcess("/usr/bin/pdftotext", ["-f", "\(p)", "-l", "\(p)", "-layout", fx.pdf, "-"]).stdout) }
        #expect(text.indices.filter { text[$0].contains("图集:") } == Array((pages - counties.count)..<pages))
        let all = text.joined(separator: "\n")
        #expect(all.contains("逐年全区合计") && DemoSeries.years.allSatisfy { all.contains(String($0)) })
    }
}
