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
