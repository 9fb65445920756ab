import Foundation
import SinkmapEngine
import SinkmapScene
import Testing
import TestSupport
import SinkmapAccounting
import SinkmapSchedule
import SinkmapBase

/// Issue 15: valuation against a hand computation; compensation exact to the cent, following
/// the weights, with ties and units that are sources.
@Suite(.serialized) struct ValuationCompensationTests {
    @Test func valuePerAnnualTonneByHand() {
        // 50 + 50 / (1.05 · 1.02) + 50 / (1.05² · 1.02²), worked out by hand.
        let spec = ValuationSpec(pricePerTCO2e: 50, priceChange: 0.02, discountRate: 0.05, years: 3)
        #expect(abs(spec.valuePerAnnualTonne - (50 + 46.685340802987861 + 43.590420917822466)) < 1e-9)
        #expect(ValuationSpec(pricePerTCO2e: 20, priceChange: 0, discountRate: 0, years: 10).valuePerAnnualTonne == 200)
    }

    @Test func largestRemainderWithTiesAndSources() throws {
        // Three equal units share 1.00: the cent left over goes to the first.
        #expect(try Compensation.allocate(cents: 100, basis: [3, 3, 3]).cents == [34, 33, 33])
        // A source gets nothing; 10.01 over bases 1, 1, 2: 2.5025, 2.5025, 5.005 → 2.50, 2.50, 5.01.
        let a = try Compensation.allocate(cents: 1001, basis: [-5, 1, 1, 2])
        #expect(a.cents == [0, 250, 250, 501] && a.eligible == [false, true, true, true])
        // Zero basis gets nothing either; a huge budget stays exact.
        let b = try Compensation.allocate(cents: 999_999_999_999, basis: [0, 7, 11, 13])
        #expect(b.cents.reduce(0, +) == 999_999_999_999 && b.cents[0] == 0)
        #expect(throws: Refusal.self) { try Compensation.allocate(cents: 100, basis: [-1, 0]) }
    }

    /// On the demo: amounts sum to the budget exactly, each within a cent of budget × share, and
    /// the shares follow the weighted red-line split of zonal.csv.
    @Test func demoCompensationFollowsTheWeights() throws {
        let demo = try DemoCopy("compensation")
        demo.sceneText += """
        valuation: {price_per_tco2e: 50, price_change: 0.02, discount_rate: 0.05, years: 3}
        compensation: {budget: 1234567.89, level: township, basis: nep_tco2e, weights: {inside: 1.5, outside: 1.0}}

        """
        let scene = try SceneValidator.prepare(try SceneParser.load(path: demo.scenePath))
        let out = demo.dir.file("out")
        _ = try SceneRunner.run(scene, options: RunOptions(outDir: out, threads: 2), progress: ProgressMeter(style: .quiet))
        func table(_ name: String) throws -> [[String: String]] {
            let lines = try String(contentsOfFile: out + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
            let header = lines[0].split(separator: ",").map(String.init)
            return lines.dropFirst().map { l in
                Dictionary(uniqueKeysWithValues: zip(header, l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
            }
        }
        let zonal = try table("zonal.csv")
        func nep(_ unit: String, _ red: String) -> Double {
            zonal.first { $0["level"] == "township" && $0["unit_id"] == unit && $0["ecosystem"] == "all" && $0["redline"] == red }
                .flatMap { Double($0["nep_tco2e"] ?? "") } ?? 0
        }
        let comp = try table("compensation.csv")
        #expect(comp.count == scene.zones.units[0].count)
        var cents: Int64 = 0
        var weighted: [Double] = []
        for row in comp {
            let parts = try #require(row["amount"]).split(separator: ".")
            cents += Int64(parts[0])! * 100 + Int64(parts[1])!
            let w = 1.5 * nep(row["unit_id"]!, "inside") + 1.0 * nep(row["unit_id"]!, "outside")
            #expect(abs(w - Double(row["weighted_basis_tco2e"]!)!) <= 1e-6 * abs(w))
            weighted.append(w)
        }
        #expect(cents == 123_456_789)
        let total = weighted.filter { $0 > 0 }.reduce(0, +)
        for (row, w) in zip(comp, weighted) {
            let expected = w > 0 ? 1_234_567.89 * w / total : 0
            #expect(abs(Double(row["amount"]!)! - expected) <= 0.01, "\(row["unit_id"]!): \(row["amount"]!) vs \(expected)")
        }
        // Valuation: every unit's NPV is its NEP (tCO₂e/yr) times the hand-computed factor.
        let factor = 50 + 46.685340802987861 + 43.590420917822466
        let value = try table("valuation.csv")
        #expect(value.count == scene.zones.units.map(\.count).reduce(0, +))
        for row in value {
            let all = zonal.first { $0["level"] == row["level"] && $0["unit_id"] == row["unit_id"] && $0["ecosystem"] == "all" && $0["redline"] == "all" }!
            let s = Double(all["nep_tco2e"]!)!
            #expect(abs(Double(row["npv"]!)! - s * factor) <= 1e-9 * abs(s * factor))
        }
        // The summary lists the new tables with their checksums.
        let summary = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        #expect(summary.contains("compensation.csv") && summary.contains("valuation.csv"))
    }

    @Test func refusals() throws {
        func refusal(_ block: String) throws -> String {
            let demo = try DemoCopy("accounting-refusal")
            demo.sceneText += block + "\n"
            do {
                _ = try SceneValidator.prepare(try SceneParser.load(path: demo.scenePath))
                return ""
            } catch { return "\(error)" }
        }
        #expect(try refusal("compensation: {budget: 100, level: province}").contains("'province' is not a zone level"))
        #expect(try refusal("compensation: {budget: 1.005, level: township}").contains("at most 2 decimals"))
        #expect(try refusal("valuation: {price_per_tco2e: 50, discount_rate: 7, years: 10}").contains("fraction per year"))
        #expect(try refusal("uncertainty: {draws: 100, table: classes.csv}").contains("unknown column"))
    }
}
