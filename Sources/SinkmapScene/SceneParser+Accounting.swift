import Foundation
import Yams

/// The accounting blocks of a scene: `uncertainty`, `valuation`, `compensation` (issue 15).
extension SceneParser {
    static func parseAccounting(_ root: Node, zones: ZonesSpec, _ ctx: Context) throws -> AccountingOptions {
        let options = AccountingOptions(uncertainty: try root["uncertainty"].map { try parseUncertainty($0, ctx) },
                                        valuation: try root["valuation"].map { try parseValuation($0, ctx) },
                                        compensation: try root["compensation"].map { try parseCompensation($0, ctx) },
                                        scenario: try root["scenario"].map { try parseScenario($0, ctx) },
                                        plots: try root["plots"].map { try parsePlots($0, ctx) })
        if let c = options.compensation, !zones.levels.contains(where: { $0.name == c.level }) {
            throw ctx.error("compensation.level", "'\(c.level)' is not a zone level (levels: \(zones.levels.map(\.name).joined(separator: ", ")))")
        }
        return options
    }

    static func integer(_ node: Node?, _ field: String, _ ctx: Context, default value: Int? = nil) throws -> Int {
        guard let node else {
            if let value { return value }
            throw ctx.error(field, "missing")
        }
        guard let v = node.scalar.flatMap({ Int($0.string.trimmingCharacters(in: .whitespaces)) }) else {
            throw ctx.error(field, "expected a whole number, got '\(node.scalar?.string ?? "a non-scalar")'")
        }
        return v
    }

    static func parseUncertainty(_ node: Node, _ ctx: Context) throws -> UncertaintySpec {
        guard node.mapping != nil else { throw ctx.error("uncertainty", "expected {draws, seed, table, rh_scale_sd}") }
        try ctx.allowOnly(node, ["draws", "seed", "table", "rh_scale_sd"], at: "uncertainty")
        let draws = try integer(node["draws"], "uncertainty.draws", ctx, default: 1000)
        guard (2...10_000_000).contains(draws) else {
            throw ctx.error("uncertainty.draws", "must be between 2 and 10000000, got \(draws)")
        }
        let seed = try integer(node["seed"], "uncertainty.seed", ctx, default: 42)
        guard seed >= 0 else { throw ctx.error("uncertainty.seed", "must not be negative, got \(seed)") }
        let table = try ctx.string(try ctx.require(node["table"], "uncertainty.table"), "uncertainty.table")!
        let rh = try node["rh_scale_sd"].map { try ctx.number($0, "uncertainty.rh_scale_sd") } ?? 0
        guard rh >= 0, rh < 1 else { throw ctx.error("uncertainty.rh_scale_sd", "must be in [0, 1) (a relative standard deviation), got \(rh)") }
        return UncertaintySpec(draws: draws, seed: UInt64(seed), table: table, rhScaleSD: rh)
    }

    static func parsePlots(_ node: Node, _ ctx: Context) throws -> PlotsSpec {
        guard node.mapping != nil else { throw ctx.error("plots", "expected {path, agb, layer, id, radius}") }
        try ctx.allowOnly(node, ["path", "agb", "layer", "id", "radius"], at: "plots")
        let path = try ctx.string(try ctx.require(node["path"], "plots.path"), "plots.path")!
        let agb = try ctx.string(try ctx.require(node["agb"], "plots.agb"), "plots.agb")!
        let radius = try node["radius"].map { try ctx.number($0, "plots.radius") }
        if let radius, !(radius > 0) { throw ctx.error("plots.radius", "must be a positive number of metres, got \(radius)") }
        return PlotsSpec(path: path, agb: agb, layer: try ctx.string(node["layer"], "plots.layer", optional: true),
                         id: try ctx.string(node["id"], "plots.id", optional: true), radius: radius)
    }

    static func parseScenario(_ node: Node, _ ctx: Context) throws -> ScenarioSpec {
        guard node.mapping != nil else { throw ctx.error("scenario", "expected {landcover, name}") }
        try ctx.allowOnly(node, ["landcover", "name"], at: "scenario")
        let lc = try ctx.rasterRef(try ctx.require(node["landcover"], "scenario.landcover"), "scenario.landcover")
        let name = try ctx.string(node["name"], "scenario.name", optional: true) ?? "scenario"
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ctx.error("scenario.name", "'\(name)' must be letters, digits, - _ or . (it names the scenario in the outputs)")
        }
        return ScenarioSpec(landcover: lc, name: name)
    }

    static func parseValuation(_ node: Node, _ ctx: Context) throws -> ValuationSpec {
        guard node.mapping != nil else { throw ctx.error("valuation", "expected {price_per_tco2e, price_change, discount_rate, years}") }
        try ctx.allowOnly(node, ["price_per_tco2e", "price_change", "discount_rate", "years"], at: "valuation")
        let price = try ctx.number(try ctx.require(node["price_per_tco2e"], "valuation.price_per_tco2e"), "valuation.price_per_tco2e")
        guard price >= 0 else { throw ctx.error("valuation.price_per_tco2e", "must not be negative, got \(price)") }
        let change = try node["price_change"].map { try ctx.number($0, "valuation.price_change") } ?? 0
        let rate = try ctx.number(try ctx.require(node["discount_rate"], "valuation.discount_rate"), "valuation.discount_rate")
        // Rates are fractions per year: 7 would mean 700 %, almost surely a percentage.
        for (v, f) in [(change, "price_change"), (rate, "discount_rate")] where v <= -1 || v >= 1 {
            throw ctx.error("valuation.\(f)", "is a fraction per year (0.07 for 7 %), got \(v)")
        }
        let years = try integer(node["years"], "valuation.years", ctx)
        guard (1...1000).contains(years) else { throw ctx.error("valuation.years", "must be between 1 and 1000, got \(years)") }
        return ValuationSpec(pricePerTCO2e: price, priceChange: change, discountRate: rate, years: years)
    }

    static func parseCompensation(_ node: Node, _ ctx: Context) throws -> CompensationSpec {
        guard node.mapping != nil else { throw ctx.error("compensation", "expected {budget, level, basis, weights}") }
        try ctx.allowOnly(node, ["budget", "level", "basis", "weights"], at: "compensation")
        let budgetText = try ctx.string(try ctx.require(node["budget"], "compensation.budget"), "compensation.budget")!
        guard let cents = cents(budgetText), cents > 0 else {
            throw ctx.error("compensation.budget", "expected a positive amount with at most 2 decimals, got '\(budgetText)'")
        }
        let level = try ctx.string(try ctx.require(node["level"], "compensation.level"), "compensation.level")!
        let basisText = try ctx.string(node["basis"], "compensation.basis", optional: true) ?? "nep_tco2e"
        guard let basis = CompensationSpec.Basis(rawValue: basisText) else {
            throw ctx.error("compensation.basis", "'\(basisText)' is not a basis (nep_tco2e or carbon_tco2e)")
        }
        var inside = DecimalWeight("1")!, outside = DecimalWeight("1")!
        if let w = node["weights"] {
            guard w.mapping != nil else { throw ctx.error("compensation.weights", "expected {inside, outside}") }
            try ctx.allowOnly(w, ["inside", "outside"], at: "compensation.weights")
            func weight(_ key: String) throws -> DecimalWeight? {
                guard let n = w[key] else { return nil }
                let text = n.scalar?.string ?? ""
                guard let d = DecimalWeight(text) else {
                    throw ctx.error("compensation.weights.\(key)", "expected a non-negative number with at most 6 decimals, got '\(text)'")
                }
                return d
            }
            inside = try weight("inside") ?? inside
            outside = try weight("outside") ?? outside
        }
        guard inside.units > 0 || outside.units > 0 else {
            throw ctx.error("compensation.weights", "inside and outside are both 0: nothing could be paid")
        }
        return CompensationSpec(budgetCents: cents, level: level, basis: basis, inside: inside, outside: outside)
    }

    /// An amount with at most two decimals, in cents (exact; no binary fraction in between).
    static func cents(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isNumber),
              let whole = Int64(parts[0]), whole < 1_000_000_000_000 else { return nil }
        var frac = parts.count == 2 ? String(parts[1]) : ""
        guard frac.count <= 2, frac.allSatisfy(\.isNumber) else { return nil }
        while frac.count < 2 { frac += "0" }
        return whole * 100 + Int64(frac)!
    }
}
