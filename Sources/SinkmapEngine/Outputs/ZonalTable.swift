import Foundation
import SinkmapKernels
import SinkmapScene

/// One row of `zonal.csv`: a (level, unit, ecosystem, red line) key and its totals.
public struct ZonalRow: Sendable, Equatable {
    public var level: String
    public var unit: ZoneUnit
    /// "all" or an ecosystem name.
    public var ecosystem: String
    /// "all", "inside" or "outside".
    public var redline: String
    public var totals: ZoneTotals
}

/// The one-map table: finest partials rolled up through the levels, with the `all`
/// rows. Every figure is an exact integer sum, so an `all` row is the exact sum of its
/// parts and every level sums to the same scene total.
public enum ZonalTable {
    public static let header = ["level", "unit_id", "unit_name", "parent_id", "ecosystem", "redline", "pixels", "area_ha",
                                "npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e", "carbon_tco2e"]

    /// Totals per level: `[level][unit][ecosystem][red]` rolled up from the finest partials.
    public static func rollUp(_ acc: ZonalAccumulator, hierarchy: ZoneHierarchy) -> [[[ZoneTotals]]] {
        let e = ZonalAccumulator.ecosystems
        return hierarchy.units.indices.map { level in
            var byUnit = [[ZoneTotals]](repeating: [ZoneTotals](repeating: ZoneTotals(), count: e * 2),
                                        count: hierarchy.units[level].count)
            for u in 0..<acc.unitCount {
                let target = hierarchy.finestToUnit[level][u]
                for k in 0..<(e * 2) {
                    byUnit[target][k].merge(acc.slots[u * e * 2 + k])
                }
            }
            return byUnit
        }
    }

    public static func rows(_ acc: ZonalAccumulator, hierarchy: ZoneHierarchy, hasRedline: Bool) -> [ZonalRow] {
        let rolled = rollUp(acc, hierarchy: hierarchy)
        let ecos = Ecosystem.allCases
        var rows: [ZonalRow] = []
        for (li, level) in hierarchy.levels.enumerated() {
            for (ui, unit) in hierarchy.units[li].enumerated() {
                let parts = rolled[li][ui]  // index ecosystem * 2 + red
                func total(eco: Int?, red: Int?) -> ZoneTotals {
                    var t = ZoneTotals()
                    for e in 0..<ecos.count where eco == nil || eco == e {
                        for r in 0..<2 where red == nil || red == r { t.merge(parts[e * 2 + r]) }
                    }
                    return t
                }
                let redChoices: [(String, Int?)] = hasRedline ? [("all", nil), ("inside", 1), ("outside", 0)] : [("all", nil)]
                let ecoChoices: [(String, Int?)] = [("all", nil)] + ecos.enumerated().map { ($1.rawValue, $0) }
                for (ename, e) in ecoChoices {
                    for (rname, r) in redChoices {
                        let t = total(eco: e, red: r)
                        // The unit's (all, all) row always; the splits only where pixels fall.
                        if (e != nil || r != nil) && t.isEmpty { continue }
                        rows.append(ZonalRow(level: level.name, unit: unit, ecosystem: ename, redline: rname, totals: t))
                    }
                }
            }
        }
        return rows
    }

    /// Column values of a totals record in `header` order from `pixels` on.
    public static func figures(_ t: ZoneTotals) -> [String] {
        // area: Σ m² in micro-units → ha: 10⁻⁶ · 10⁻⁴.
        // npp/rh/nep: Σ gC in micro-units → tC: 10⁻⁶ · 10⁻⁶.
        // carbon: Σ (Mg C/ha · m²) in micro-units → Mg C: 10⁻⁶ · 10⁻⁴.
        let co2e = 44.0 / 12.0
        return [String(t.pixels),
                FixedPoint.decimalText(t.area, decimals: 10),
                FixedPoint.decimalText(t.npp, decimals: 12),
                FixedPoint.decimalText(t.rh, decimals: 12),
                FixedPoint.decimalText(t.nep, decimals: 12),
                FixedPoint.decimalText(t.carbon, decimals: 10),
                NumberText.shortest(Double(t.nep) * 1e-12 * co2e),
                NumberText.shortest(Double(t.carbon) * 1e-10 * co2e)]
    }

    public static func csv(_ rows: [ZonalRow]) -> String {
        var out = header.joined(separator: ",") + "\n"
        for r in rows {
            let fields = [r.level, r.unit.id, r.unit.name, r.unit.parentID, r.ecosystem, r.redline] + figures(r.totals)
            out += fields.map(quote).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension ZoneTotals {
    public var areaHectares: Double { Double(area) * 1e-10 }
    public var nppTonnes: Double { Double(npp) * 1e-12 }
    public var rhTonnes: Double { Double(rh) * 1e-12 }
    public var nepTonnes: Double { Double(nep) * 1e-12 }
    public var carbonTonnes: Double { Double(carbon) * 1e-10 }
}
