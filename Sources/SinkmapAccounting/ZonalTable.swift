import Foundation
import SinkmapKernels
import SinkmapScene
import SinkmapAccounting

/// One row of `zonal.csv`: a (level, unit, ecosystem, red line) key and its totals.
public struct ZonalRow: Sendable, Equatable {
    public var level: String
    public var unit: ZoneUnit
    /// "all" or an ecosystem name.
    public var ecosystem: String
    /// "all", "inside" or "outside".
    public var redline: String
    public var totals: ZoneTotals
    /// Σ area of the part without valid land cover (in `totals.area`, in no ecosystem row).
    public var lcMissingArea: Int128 = 0
}

/// The one-map table: finest partials rolled up through the levels, with the `all`
/// rows. Every figure is an exact integer sum, so an `all` row is the exact sum of its
/// parts and every level sums to the same scene total.
public enum ZonalTable {
    public static let header = ["level", "unit_id", "unit_name", "parent_id", "ecosystem", "redline", "pixels", "pixels_nep", "area_ha", "lc_missing_ha",
                                "npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e", "carbon_tco2e"]

    /// Totals per level: `[level][unit][part]` rolled up from the finest partials, where
    /// `part` is `SlotLayout.partIndex(ecosystem:inRedline:)`.
    public static func rollUp(_ acc: ZonalAccumulator, hierarchy: ZoneHierarchy) -> [[[ZoneTotals]]] {
        let layout = acc.layout
        precondition(layout.units == hierarchy.finestCount, "partials of another zone hierarchy")
        let parts = layout.slotsPerUnit
        return hierarchy.units.indices.map { level in
            var byUnit = [[ZoneTotals]](repeating: [ZoneTotals](repeating: ZoneTotals(), count: parts),
                                        count: hierarchy.units[level].count)
            for u in 0..<layout.units {
                let target = hierarchy.finestToUnit[level][u]
                let first = layout.slot(unit: u, ecosystem: 0, inRedline: false)
                for k in 0..<parts { byUnit[target][k].merge(acc[slot: first + k]) }
            }
            return byUnit
        }
    }

    /// The whole scene: the sum of the finest level's units.
    public static func sceneTotal(_ rolled: [[[ZoneTotals]]]) -> ZoneTotals {
        var total = ZoneTotals()
        for unit in rolled[0] { for part in unit { total.merge(part) } }
        return total
    }

    /// The table's rows, level by level and unit by unit: the unit's (all, all) row always;
    /// by red line, by ecosystem, and by both, only where pixels fall.
    public static func rows(rolled: [[[ZoneTotals]]], hierarchy: ZoneHierarchy, layout: SlotLayout,
                            hasRedline: Bool) -> [ZonalRow] {
        let ecos = Ecosystem.allCases
        precondition(ecos.count == layout.ecosystems)
        var rows: [ZonalRow] = []
        for (li, level) in hierarchy.levels.enumerated() {
            for (ui, unit) in hierarchy.units[li].enumerated() {
                let parts = rolled[li][ui]
                func total(eco: Int?, red: Bool?) -> ZoneTotals {
                    var t = ZoneTotals()
                    for e in 0..<layout.ecosystemSlots where eco == nil || eco == e {
                        for r in [false, true] where red == nil || red == r {
                            t.merge(parts[layout.partIndex(ecosystem: e, inRedline: r)])
                        }
                    }
                    return t
                }
                let redChoices: [(String, Bool?)] = hasRedline ? [("all", nil), ("inside", true), ("outside", false)] : [("all", nil)]
                let ecoChoices: [(String, Int?)] = [("all", nil)] + ecos.enumerated().map { ($1.rawValue, $0) }
                for (ename, e) in ecoChoices {
                    for (rname, r) in redChoices {
                        let t = total(eco: e, red: r)
                        let missing = e == nil ? total(eco: layout.lcMissing, red: r).area : 0
                        // The unit's (all, all) row always; the splits only where they hold anything.
                        if (e != nil || r != nil) && t.isZero { continue }
                        rows.append(ZonalRow(level: level.name, unit: unit, ecosystem: ename, redline: rname, totals: t,
                                             lcMissingArea: missing))
                    }
                }
            }
        }
        return rows
    }

    /// Rows straight from finest partials.
    public static func rows(_ acc: ZonalAccumulator, hierarchy: ZoneHierarchy, hasRedline: Bool) -> [ZonalRow] {
        rows(rolled: rollUp(acc, hierarchy: hierarchy), hierarchy: hierarchy, layout: acc.layout, hasRedline: hasRedline)
    }

    /// Column values of a totals record in `header` order from `pixels` on: exact decimals
    /// of the fixed-point sums, and the CO₂ equivalents as the shortest Double text. NPP, Rh,
    /// NEP and NEP CO₂e over no valid pixel are empty cells (missing), never 0.
    public static func figures(_ t: ZoneTotals, lcMissingArea: Int128 = 0) -> [String] {
        let flux = t.hasFlux
        func fluxText(_ q: Quantity) -> String { flux ? q.text(t[q]) : "" }
        return [String(t.pixels), String(t.pixelsNEP), Quantity.area.text(t.area), Quantity.area.text(lcMissingArea),
                fluxText(.npp), fluxText(.rh), fluxText(.nep), Quantity.carbon.text(t.carbon),
                flux ? NumberText.shortest(Quantity.co2e(t.nepTonnes)) : "",
                NumberText.shortest(Quantity.co2e(t.carbonTonnes))]
    }

    public static func csv(_ rows: [ZonalRow]) -> String {
        var out = header.joined(separator: ",") + "\n"
        for r in rows {
            let fields = [r.level, r.unit.id, r.unit.name, r.unit.parentID, r.ecosystem, r.redline]
                + figures(r.totals, lcMissingArea: r.lcMissingArea)
            out += fields.map(quote).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
