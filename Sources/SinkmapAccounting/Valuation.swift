import SinkmapKernels
import SinkmapScene

/// `valuation.csv`: the net present value of each unit's annual sink, InVEST's value of
/// sequestration per unit: NPV = S · Σ_{t=0}^{years−1} price / ((1 + r)^t · (1 + c)^t), with S the
/// unit's NEP in tCO₂e per year, r the discount rate and c the annual price change (fractions).
/// A unit that is a source (S < 0) gets a negative value; one without valid NEP an empty one.
public enum Valuation {
    public static let header = ["level", "unit_id", "unit_name", "nep_tco2e", "value_per_annual_tco2e", "npv"]

    public static func csv(_ spec: ValuationSpec, hierarchy: ZoneHierarchy, rolled: [[[ZoneTotals]]]) -> String {
        let factor = spec.valuePerAnnualTonne
        var out = header.joined(separator: ",") + "\n"
        for (li, level) in hierarchy.levels.enumerated() {
            for (ui, unit) in hierarchy.units[li].enumerated() {
                var total = ZoneTotals()
                for part in rolled[li][ui] { total.merge(part) }
                let key = [level.name, unit.id, unit.name].map(ZonalTable.quote).joined(separator: ",")
                if total.hasFlux {
                    let s = Quantity.co2e(total.nepTonnes)
                    out += "\(key),\(s),\(factor),\(s * factor)\n"
                } else {
                    out += "\(key),,\(factor),\n"
                }
            }
        }
        return out
    }
}
