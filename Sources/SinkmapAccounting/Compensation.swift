import SinkmapKernels
import SinkmapScene
import SinkmapBase

/// `compensation.csv`: a budget shared among the units of one level in proportion to their
/// weighted basis, B = w_inside · S_inside + w_outside · S_outside, with S the unit's NEP (or
/// carbon stock) inside and outside the red line. CO₂e is carbon × 44/12 for every unit, so the
/// shares are computed on the exact carbon sums. A unit with B ≤ 0, or without valid NEP, gets
/// nothing (its note says why). Amounts are whole cents summing exactly to the budget: each unit
/// gets ⌊budget · B / ΣB⌋ cents, and the cents left over go one each to the units with the
/// largest remainders (on equal remainders, the unit listed first). All in exact integers.
public enum Compensation {
    public static let header = ["level", "unit_id", "unit_name", "basis", "basis_inside_tco2e", "basis_outside_tco2e",
                                "weight_inside", "weight_outside", "weighted_basis_tco2e", "share", "amount", "note"]

    public struct Allocation: Sendable, Equatable {
        public var cents: [Int64]
        /// Which units had a positive basis.
        public var eligible: [Bool]
    }

    /// Largest-remainder allocation of `cents` in proportion to `basis` (entries ≤ 0 get nothing).
    public static func allocate(cents: Int64, basis: [Int128]) throws -> Allocation {
        let eligible = basis.map { $0 > 0 }
        let total = basis.filter { $0 > 0 }.reduce(Int128(0), +)
        guard total > 0 else { throw Refusal("no unit has a positive basis: the budget cannot be shared") }
        var out = [Int64](repeating: 0, count: basis.count)
        var remainders: [(Int128, Int)] = []
        var given: Int64 = 0
        for (i, b) in basis.enumerated() where b > 0 {
            let (p, overflow) = Int128(cents).multipliedReportingOverflow(by: b)
            guard !overflow else { throw Refusal("the budget times a unit's basis exceeds 128-bit integers") }
            out[i] = Int64(p / total)
            given += out[i]
            remainders.append((p % total, i))
        }
        remainders.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        for k in 0..<Int(cents - given) { out[remainders[k].1] += 1 }
        return Allocation(cents: out, eligible: eligible)
    }

    public static func csv(_ spec: CompensationSpec, hierarchy: ZoneHierarchy, rolled: [[[ZoneTotals]]], layout: SlotLayout) throws -> String {
        guard let li = hierarchy.levels.firstIndex(where: { $0.name == spec.level }) else {
            throw Refusal("compensation.level '\(spec.level)' is not a zone level")
        }
        let q: Quantity = spec.basis == .nepTCO2e ? .nep : .carbon
        // Per unit: the basis inside and outside the red line (exact sums), and whether it exists.
        var inside: [Int128] = [], outside: [Int128] = [], present: [Bool] = []
        for parts in rolled[li] {
            var i = ZoneTotals(), o = ZoneTotals()
            for e in 0..<layout.ecosystemSlots {
                i.merge(parts[layout.partIndex(ecosystem: e, inRedline: true)])
                o.merge(parts[layout.partIndex(ecosystem: e, inRedline: false)])
            }
            var all = i
            all.merge(o)
            inside.append(i[q])
            outside.append(o[q])
            present.append(q == .nep ? all.hasFlux : !all.isEmpty)
        }
        var weighted: [Int128] = []
        for k in inside.indices {
            guard present[k] else { weighted.append(0); continue }
            let (a, o1) = Int128(spec.inside.micro).multipliedReportingOverflow(by: inside[k])
            let (b, o2) = Int128(spec.outside.micro).multipliedReportingOverflow(by: outside[k])
            guard !o1, !o2 else { throw Refusal("a unit's weighted basis exceeds 128-bit integers") }
            weighted.append(a + b)
        }
        let allocation: Allocation
        do { allocation = try allocate(cents: spec.budgetCents, basis: weighted) } catch let r as Refusal {
            throw Refusal("compensation: \(r.description) (level \(spec.level), basis \(spec.basis.rawValue))")
        }
        let total = weighted.filter { $0 > 0 }.reduce(Int128(0), +)
        let level = hierarchy.levels[li]
        var out = header.joined(separator: ",") + "\n"
        func tco2e(_ s: Int128) -> Double { Quantity.co2e(q.value(s)) }
        for (ui, unit) in hierarchy.units[li].enumerated() {
            let key = [level.name, unit.id, unit.name].map(ZonalTable.quote).joined(separator: ",")
            let w = "\(spec.inside),\(spec.outside)"
            let amount = "\(allocation.cents[ui] / 100).\(String(format2: allocation.cents[ui] % 100))"
            if !present[ui] {
                out += "\(key),\(spec.basis.rawValue),,,\(w),,0,\(amount),no valid \(q == .nep ? "NEP" : "carbon stock"): nothing paid\n"
                continue
            }
            let wb = Double(weighted[ui]) * q.perCount * 1e-6 * Quantity.co2PerCarbon
            let share = weighted[ui] > 0 ? Double(weighted[ui]) / Double(total) : 0
            let note = weighted[ui] > 0 ? "" : "basis not positive: nothing paid"
            out += "\(key),\(spec.basis.rawValue),\(tco2e(inside[ui])),\(tco2e(outside[ui])),\(w),\(wb),\(share),\(amount),\(note)\n"
        }
        return out
    }
}

extension String {
    /// Two digits, zero-padded (cents).
    init(format2 v: Int64) { self = v < 10 ? "0\(v)" : "\(v)" }
}
