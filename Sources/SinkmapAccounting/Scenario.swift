import Foundation
import SinkmapKernels
import SinkmapScene

/// The scenario's outputs, from the sums of the one pass (`ScenarioSums`): a converted pixel's
/// NPP and Rh per m² are the base means of its new class in its unit (Σ NPP·area / Σ area over
/// the unit's pixels of that class with valid fluxes, `ClassSums`), so its NEP is that class's
/// mean NEP there; where the unit has no such pixel there is no mean, and the pixel's fluxes stay
/// missing (counted). Each converted share adds mean × its exact area, rounded once per unit,
/// new class and side of the red line.
public enum Scenario {
    public struct Completed: Sendable {
        public var sums: ZonalAccumulator
        /// Per finest unit: converted pixel shares whose new class has no base mean in the unit.
        public var withoutMean: [Int64]
    }

    /// What the scenario must say: codes of its land cover not in the table, and converted
    /// pixels whose new class had no base NEP in their unit.
    public static func warnings(_ base: ZonalAccumulator, table: ParameterTable) -> [String] {
        guard let sc = base.scenario else { return [] }
        var out: [String] = []
        let lo = sc.leftOut
        if !lo.unknownCodes.isEmpty {
            let list = lo.unknownCodes.keys.sorted().map { "\($0) (\(lo.unknownCodes[$0]!) px)" }.joined(separator: ", ")
            out.append("scenario land cover: codes not in the parameter table, left out (as no valid land cover): \(list)")
        }
        let without = complete(base, table: table).withoutMean.reduce(0, +)
        if without > 0 {
            out.append("scenario: \(without) converted pixel shares have no NEP (their new class has no pixel with valid NEP in their unit in the base run); see nep_without_mean in scenario/delta.csv")
        }
        return out
    }

    public static func complete(_ base: ZonalAccumulator, table: ParameterTable) -> Completed {
        let layout = base.layout
        let sc = base.scenario!, classes = base.classSums!
        var sums = ZonalAccumulator(layout: layout, slots: sc.slots, leftOut: sc.leftOut)
        var withoutMean = [Int64](repeating: 0, count: layout.units)
        let ecosystem = table.classes.map { Ecosystem.allCases.firstIndex(of: $0.ecosystem)! }
        for (pair, t) in sc.pairs.sorted(by: { $0.key < $1.key }) where pair.to >= 0 {
            let u = Int(pair.unit), k = Int(pair.to)
            let c = classes[unit: u, class: k]
            guard c.fluxArea > 0 else {
                withoutMean[u] += t.count
                continue
            }
            let meanNPP = Double(c.npp) / Double(c.fluxArea), meanRh = Double(c.rh) / Double(c.fluxArea)
            for (inside, area, count, touch) in [(true, t.areaInside, t.countInside, t.touchInside),
                                                 (false, t.areaOutside, t.countOutside, t.touchOutside)] where count > 0 || touch > 0 {
                var add = ZoneTotals()
                add.npp = Int128((meanNPP * Double(area)).rounded())
                add.rh = Int128((meanRh * Double(area)).rounded())
                add.nep = add.npp - add.rh
                add.pixelsNEP = count
                add.fluxShares = touch
                sums.addTotals(add, slot: layout.slot(unit: u, ecosystem: ecosystem[k], inRedline: inside))
            }
            sums.leftOut.nepMissing -= t.count
        }
        return Completed(sums: sums, withoutMean: withoutMean)
    }

    /// The scenario's tables, each with its file name in the run directory: `scenario/zonal.csv`
    /// (the one map under the scenario), `scenario/delta.csv` (per unit: converted area, Δ carbon
    /// stock and Δ NEP, exact decimals of the integer sums) and `scenario/conversions.csv`
    /// (converted area per unit and class pair).
    public static func tables(_ base: ZonalAccumulator, baseRolled: [[[ZoneTotals]]], scene: PreparedScene) -> [(file: String, text: String)] {
        let done = complete(base, table: scene.table)
        let hierarchy = scene.zones, layout = base.layout
        let rolled = ZonalTable.rollUp(done.sums, hierarchy: hierarchy)
        let rows = ZonalTable.rows(rolled: rolled, hierarchy: hierarchy, layout: layout, hasRedline: scene.redlinePath != nil)
        let zonal = ZonalTable.csv(rows)

        // Converted area and shares without a mean, per unit of every level.
        var converted = hierarchy.units.map { [Int128](repeating: 0, count: $0.count) }
        var noMean = hierarchy.units.map { [Int64](repeating: 0, count: $0.count) }
        var pairs = hierarchy.units.map { _ in [ScenarioSums.Pair: Int128]() }
        for (pair, t) in base.scenario!.pairs {
            for li in hierarchy.levels.indices {
                let target = hierarchy.finestToUnit[li][Int(pair.unit)]
                converted[li][target] += t.area
                pairs[li][ScenarioSums.Pair(unit: Int32(target), from: pair.from, to: pair.to), default: 0] += t.area
            }
        }
        for (u, n) in done.withoutMean.enumerated() where n > 0 {
            for li in hierarchy.levels.indices { noMean[li][hierarchy.finestToUnit[li][u]] += n }
        }
        var delta = "level,unit_id,unit_name,converted_ha,d_carbon_tc,d_nep_tc,d_carbon_tco2e,d_nep_tco2e,nep_without_mean\n"
        var conversions = "level,unit_id,unit_name,from_code,from_name,to_code,to_name,area_ha\n"
        func name(_ k: Int32) -> (String, String) {
            k < 0 ? ("", "no valid land cover") : (String(scene.table.classes[Int(k)].code), scene.table.classes[Int(k)].name)
        }
        for (li, level) in hierarchy.levels.enumerated() {
            for (ui, unit) in hierarchy.units[li].enumerated() {
                var b = ZoneTotals(), s = ZoneTotals()
                for part in baseRolled[li][ui] { b.merge(part) }
                for part in rolled[li][ui] { s.merge(part) }
                let key = [level.name, unit.id, unit.name].map(ZonalTable.quote).joined(separator: ",")
                let dc = s.carbon - b.carbon, dn = s.nep - b.nep
                // Δ NEP only where every converted share got its new class's mean: otherwise the
                // scenario lacks part of the unit's NEP and the difference would mislead.
                let flux = b.hasFlux && s.hasFlux && noMean[li][ui] == 0
                let co2c = NumberText.shortest(Quantity.co2e(Quantity.carbon.value(dc)))
                let co2n = flux ? NumberText.shortest(Quantity.co2e(Quantity.nep.value(dn))) : ""
                delta += "\(key),\(Quantity.area.text(converted[li][ui])),\(Quantity.carbon.text(dc)),\(flux ? Quantity.nep.text(dn) : ""),\(co2c),\(co2n),\(noMean[li][ui])\n"
                for (pair, area) in pairs[li].filter({ $0.key.unit == Int32(ui) }).sorted(by: { $0.key < $1.key }) {
                    let (fc, fn) = name(pair.from), (tc, tn) = name(pair.to)
                    conversions += "\(key),\(fc),\(ZonalTable.quote(fn)),\(tc),\(ZonalTable.quote(tn)),\(Quantity.area.text(area))\n"
                }
            }
        }
        return [("scenario/zonal.csv", zonal), ("scenario/delta.csv", delta), ("scenario/conversions.csv", conversions)]
    }
}
