import Foundation
import Testing
import TestSupport

/// The accounting tables a scene may add (valuation, compensation) appear in the report as they
/// are in their CSV files.
@Suite struct ReportExtrasTests {
    @Test func valuationAndCompensationTablesAreShown() throws {
        let demo = try DemoCopy("report-extras")
        demo.sceneText += """
        valuation: {price_per_tco2e: 50, price_change: 0.02, discount_rate: 0.05, years: 3}
        compensation: {budget: 1234567.89, level: township, basis: nep_tco2e, weights: {inside: 1.5, outside: 1.0}}

        """
        let out = demo.dir.file("out")
        let run = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        try #require(run.status == 0, "\(run.stderr)")
        let report = try sinkmap("report", out, "--lang", "en")
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("Further accounting tables"))
        for file in ["valuation.csv", "compensation.csv"] {
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
        let out = demo.dir.file("out")
        let run = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        try #require(run.status == 0, "\(run.stderr)")
        let report = try sinkmap("report", out, "--lang", "en")
        #expect(report.status == 0, "\(report.stderr)")
        let stac = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/stac.json"))) as! [String: Any]
        let properties = stac["properties"] as! [String: Any]
        #expect(properties["proj:epsg"] as? Int == 4326 && properties["proj:shape"] as? [Int] == [180, 280])
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
