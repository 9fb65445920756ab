import Foundation
import SinkmapReport
import Testing
import TestSupport

/// The accounting tables a scene may add (uncertainty, valuation, compensation) appear in the
/// report as they are in their CSV files, and the Monte Carlo's intervals drive suggestions.
@Suite struct ReportExtrasTests {
    @Test func accountingTablesAreShownAndUncertaintySuggests() throws {
        let demo = try DemoCopy("report-extras")
        demo.sceneText += """
        uncertainty: {draws: 200, seed: 11, table: sd.csv, rh_scale_sd: 0.6}
        valuation: {price_per_tco2e: 50, price_change: 0.02, discount_rate: 0.05, years: 3}
        compensation: {budget: 1234567.89, level: township, basis: nep_tco2e, weights: {inside: 1.5, outside: 1.0}}
        plots: {path: plots.gpkg, agb: agb, id: plot_id, layer: plots}

        """
        try writeStandardDeviations(demo)
        let out = demo.dir.file("out")
        let run = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        try #require(run.status == 0, "\(run.stderr)")
        let report = try sinkmap("report", out, "--lang", "en")
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("Further accounting tables"))
        // Suggestions from the Monte Carlo: exactly the townships whose NEP interval holds 0.
        let mc = try String(contentsOfFile: out + "/uncertainty.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let h = Dictionary(uniqueKeysWithValues: mc[0].enumerated().map { ($1, $0) })
        var holdsZero = 0
        for r in mc.dropFirst() where r[h["level"]!] == "township" && r[h["quantity"]!] == "nep_tc" {
            let lo = Double(r[h["p05"]!])!, hi = Double(r[h["p95"]!])!
            let line = "\(r[h["unit_name"]!]) (\(r[h["unit_id"]!])): the 90 % interval of NEP [\(r[h["p05"]!]), \(r[h["p95"]!])] tC/yr holds 0"
            #expect(html.contains(line) == (lo <= 0 && hi >= 0), "\(line)")
            if lo <= 0 && hi >= 0 { holdsZero += 1 }
            // And the accounted NEP (zonal.csv) outside the interval: the two estimates disagree.
            let zonal = try String(contentsOfFile: out + "/zonal.csv", encoding: .utf8).split(separator: "\n")
                .first { $0.hasPrefix("township,\(r[h["unit_id"]!]),") && $0.contains(",all,all,") }!.split(separator: ",")
            let point = Double(zonal[12])!
            let disagree = "\(r[h["unit_name"]!]) (\(r[h["unit_id"]!])): the accounted NEP ("
            #expect(html.contains(disagree) == (point < lo || point > hi), "\(disagree) \(point) vs [\(lo), \(hi)]")
        }
        #expect(holdsZero > 0, "no township's interval reaches 0: the test says nothing about that suggestion")
        for file in ["uncertainty.csv", "valuation.csv", "compensation.csv", "estimates.csv"] {
            let lines = try String(contentsOfFile: out + "/" + file, encoding: .utf8).split(separator: "\n")
            #expect(lines.count > 2)
            #expect(html.contains("<caption>\(file)</caption>"))
            // Every header and every value of the table.
            for name in lines[0].split(separator: ",") { #expect(html.contains("<th>\(name)</th>"), "\(file): \(name)") }
            for line in lines.dropFirst() {
                for cell in line.split(separator: ",") where !cell.isEmpty {
                    #expect(html.contains(">\(cell.replacingOccurrences(of: "\"", with: ""))<"), "\(file): \(cell)")
                }
            }
        }
    }
}

/// A run on a geographic grid: the STAC item names EPSG:4326 and the scale bar measures metres
/// at the map's middle latitude.
@Suite struct GeographicReportTests {
    @Test func geographicGridGetsAScaleBarInKilometres() throws {
        let demo = try DemoCopy("report-geo")
        demo.edit("grid: {reference: landcover}", "grid: {crs: \"EPSG:4326\", resolution: 0.0005, bounds: [120.87, 30.05, 121.01, 30.14]}")
        try writeStandardDeviations(demo)
        let out = demo.dir.file("out")
        let run = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        try #require(run.status == 0, "\(run.stderr)")
        let report = try sinkmap("report", out, "--lang", "en")
        #expect(report.status == 0, "\(report.stderr)")
        let stac = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/stac.json"))) as! [String: Any]
        let properties = stac["properties"] as! [String: Any]
        #expect(properties["proj:code"] as? String == "EPSG:4326" && properties["proj:shape"] as? [Int] == [180, 280])
        // A geographic grid's pixel is no one distance: no gsd.
        #expect(((stac["assets"] as? [String: Any])?["nep"] as? [String: Any]).map { $0["gsd"] == nil } == true)
        // The whole-scene maps span 0.14° of longitude at 30.095° N: 13.5 km, a fifth of it is 2.7 km → a 2 km bar.
        let widthKm = 0.14 * 111.32 * cos(30.095 * Double.pi / 180)
        #expect(widthKm > 13.4 && widthKm < 13.6)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let labels = html.components(separatedBy: "class=\"small\" text-anchor=\"end\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        // The summary map, five layers and the missing-NEP map first; then one atlas map per county (narrower).
        #expect(labels.count == 1 + 5 + 1 + 3 && labels.prefix(7).allSatisfy { $0 == "2 km" }, "\(labels)")
        #expect(labels.suffix(3).allSatisfy { $0 == "1 km" || $0 == "2 km" }, "\(labels)")
    }
}

/// sd.csv beside the demo's classes: standard deviations of 30 % of eps_max and 20 % of the
/// pools for every class (with the scene's 60 % of Rh, wide enough that some townships' NEP
/// intervals reach 0).
func writeStandardDeviations(_ demo: DemoCopy) throws {
    let classes = CSVTable(text: try String(contentsOfFile: demo.dir.file("classes.csv"), encoding: .utf8))
    let col = Dictionary(uniqueKeysWithValues: classes.header.enumerated().map { ($1, $0) })
    var sd = ["code,eps_max,c_above,c_below,c_soil,c_dead"]
    for c in classes.rows where c.count == classes.header.count {
        func x(_ k: String, _ f: Double) -> String { "\((Double(c[col[k]!]) ?? 0) * f)" }
        sd.append([c[col["code"]!], x("eps_max", 0.3), x("c_above", 0.2), x("c_below", 0.2), x("c_soil", 0.2), x("c_dead", 0.2)].joined(separator: ","))
    }
    try (sd.joined(separator: "\n") + "\n").write(toFile: demo.dir.file("sd.csv"), atomically: true, encoding: .utf8)
}
