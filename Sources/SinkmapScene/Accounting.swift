import Foundation

/// What a scene may ask beyond the one map (issue 15): uncertainty of the unit totals, the
/// value of the annual sink, and a compensation budget shared among units.
public struct AccountingOptions: Sendable, Equatable {
    public var uncertainty: UncertaintySpec?
    public var valuation: ValuationSpec?
    public var compensation: CompensationSpec?
    public var scenario: ScenarioSpec?
    public var plots: PlotsSpec?
    public init(uncertainty: UncertaintySpec? = nil, valuation: ValuationSpec? = nil, compensation: CompensationSpec? = nil,
                scenario: ScenarioSpec? = nil, plots: PlotsSpec? = nil) {
        self.uncertainty = uncertainty
        self.valuation = valuation
        self.compensation = compensation
        self.scenario = scenario
        self.plots = plots
    }
}

/// `plots: {path, agb, layer, id, radius}`: field plots for model-assisted unit totals (`estimates.csv`).
public struct PlotsSpec: Sendable, Equatable {
    /// As written in the scene (relative to it); `PreparedScene.plotsPath` is the resolved one.
    public var path: String
    public var agb: String
    public var layer: String?
    public var id: String?
    /// Metres around a point; nil: the pixel containing it.
    public var radius: Double?
    public init(path: String, agb: String, layer: String? = nil, id: String? = nil, radius: Double? = nil) {
        self.path = path
        self.agb = agb
        self.layer = layer
        self.id = id
        self.radius = radius
    }
}

/// `scenario: {landcover, name}`: the accounting under an alternative land cover on the same grid.
public struct ScenarioSpec: Sendable, Equatable {
    public var landcover: RasterRef
    public var name: String
    public init(landcover: RasterRef, name: String) {
        self.landcover = landcover
        self.name = name
    }
}

/// `uncertainty: {draws, seed, table, rh_scale_sd}`: Monte Carlo over the class parameters.
public struct UncertaintySpec: Sendable, Equatable {
    public var draws: Int
    public var seed: UInt64
    /// The CSV of standard deviations per class, as written in the scene.
    public var table: String
    /// Standard deviation of one factor scaling Rh everywhere (mean 1); 0 for none.
    public var rhScaleSD: Double
    public init(draws: Int, seed: UInt64, table: String, rhScaleSD: Double) {
        self.draws = draws
        self.seed = seed
        self.table = table
        self.rhScaleSD = rhScaleSD
    }
}

/// Standard deviations (absolute, in the parameter's units) of one class's parameters.
public struct ParameterSD: Sendable, Equatable {
    public var epsMax = 0.0, cAbove = 0.0, cBelow = 0.0, cSoil = 0.0, cDead = 0.0, agbA = 0.0
    public init(epsMax: Double = 0, cAbove: Double = 0, cBelow: Double = 0, cSoil: Double = 0, cDead: Double = 0, agbA: Double = 0) {
        self.epsMax = epsMax
        self.cAbove = cAbove
        self.cBelow = cBelow
        self.cSoil = cSoil
        self.cDead = cDead
        self.agbA = agbA
    }
    /// The table's column names, in the order of `values`.
    public static let columns = ["eps_max", "c_above", "c_below", "c_soil", "c_dead", "agb_a"]
    public var values: [Double] { [epsMax, cAbove, cBelow, cSoil, cDead, agbA] }
}

/// `valuation: {price_per_tco2e, price_change, discount_rate, years}`: the net present value of
/// the annual sink (InVEST's sequestration value, per unit). Rates are fractions per year.
public struct ValuationSpec: Sendable, Equatable {
    public var pricePerTCO2e: Double
    public var priceChange: Double
    public var discountRate: Double
    public var years: Int
    public init(pricePerTCO2e: Double, priceChange: Double, discountRate: Double, years: Int) {
        self.pricePerTCO2e = pricePerTCO2e
        self.priceChange = priceChange
        self.discountRate = discountRate
        self.years = years
    }

    /// Σ_{t=0}^{years−1} price / ((1 + discount_rate)^t · (1 + price_change)^t): the value of
    /// one tCO₂e sunk every year (InVEST's formula, with rates as fractions).
    public var valuePerAnnualTonne: Double {
        var v = 0.0
        for t in 0..<years { v += pricePerTCO2e / (pow1p(discountRate, t) * pow1p(priceChange, t)) }
        return v
    }

    func pow1p(_ r: Double, _ t: Int) -> Double {
        var x = 1.0
        for _ in 0..<t { x *= 1 + r }
        return x
    }
}

/// `compensation: {budget, level, basis, weights: {inside, outside}}`.
public struct CompensationSpec: Sendable, Equatable {
    public enum Basis: String, Sendable, CaseIterable {
        case nepTCO2e = "nep_tco2e", carbonTCO2e = "carbon_tco2e"
    }
    /// The budget in cents (exact).
    public var budgetCents: Int64
    public var level: String
    public var basis: Basis
    /// Weights as exact decimals: value = units / 10^decimals.
    public var inside: DecimalWeight, outside: DecimalWeight
    public init(budgetCents: Int64, level: String, basis: Basis, inside: DecimalWeight, outside: DecimalWeight) {
        self.budgetCents = budgetCents
        self.level = level
        self.basis = basis
        self.inside = inside
        self.outside = outside
    }
}

/// A non-negative decimal number kept exactly (e.g. 1.5 = 15 / 10¹).
public struct DecimalWeight: Sendable, Equatable, CustomStringConvertible {
    public var units: Int64
    public var decimals: Int
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !t.isEmpty, t.allSatisfy({ $0.isNumber || $0 == "." }),
              let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        let frac = parts.count == 2 ? String(parts[1]) : ""
        guard frac.count <= 6, frac.isEmpty || Int64(frac) != nil, whole <= 1_000_000 else { return nil }
        units = whole
        for c in frac { units = units * 10 + Int64(String(c))! }
        decimals = frac.count
    }
    public var value: Double { Double(units) / pow10(decimals) }
    public var description: String { "\(value)" }
    /// This weight as units of 10^-6.
    public var micro: Int64 { units * Int64(pow10(6 - decimals)) }
    func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { x, _ in x * 10 } }
}
