import Foundation
import SinkmapKernels
import SinkmapScene

/// Monte Carlo uncertainty of every unit's totals, from the per (unit, class) sums of one pass
/// over the pixels (`ClassSums`) and the draws of the class parameters (`ParameterDraws`).
///
/// Per class c of a unit, with N, R, C the sums of NPP·area, Rh·area and C_total·area, A the
/// area with a carbon stock and T the part of it whose C_above + C_below came from the table:
///   NPP = Σ_c N_c · (1 + Δε_c / ε_c)                       (NPP_m ∝ eps_max, exactly)
///   Rh  = f · Σ_c R_c                                        (one factor per draw)
///   C   = Σ_c C_c + T_c·(Δc_above + Δc_below) + A_c·(Δc_soil + Δc_dead) + L_c · Δa_c / a_c
/// where L_c = C_c − T_c·(c_above + c_below) − A_c·(c_soil + c_dead) is the lidar part
/// (C_above + C_below = agb_a·h^b·CF·(1 + root_shoot), linear in agb_a).
public enum Uncertainty {
    public static let header = ["level", "unit_id", "unit_name", "quantity", "mean", "sd", "p05", "p50", "p95"]
    public static let quantities = ["npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e", "carbon_tco2e"]

    /// One unit's totals in every draw (tC).
    public struct Draws: Sendable {
        public var npp: [Double], rh: [Double], carbon: [Double]
        public var nep: [Double] { zip(npp, rh).map { $0 - $1 } }
    }

    /// The totals of a unit whose class sums are `sums` (one per class of `table`), per draw.
    public static func draws(of sums: [ClassSums.Totals], table: ParameterTable, draws d: ParameterDraws) -> Draws {
        precondition(sums.count == table.classes.count && d.classes == table.classes.count)
        // The class sums in table units (tC, ha), and each class's sensitivity to its parameters.
        struct Terms { var n = 0.0, dn = 0.0, r = 0.0, c = 0.0, t = 0.0, a = 0.0, l = 0.0 }
        let terms: [Terms] = zip(sums, table.classes).map { s, k in
            var x = Terms()
            x.n = Quantity.npp.value(s.npp)
            x.dn = k.epsMax > 0 ? x.n / k.epsMax : 0
            x.r = Quantity.rh.value(s.rh)
            x.c = Quantity.carbon.value(s.carbon)
            x.a = Quantity.area.value(s.carbonArea)
            x.t = Quantity.area.value(s.tableArea)
            if let a = k.agbA, a > 0 {
                x.l = (x.c - x.t * (k.cAbove + k.cBelow) - x.a * (k.cSoil + k.cDead)) / a
            }
            return x
        }
        let baseNPP = terms.reduce(0) { $0 + $1.n }, baseRh = terms.reduce(0) { $0 + $1.r }
        let baseC = terms.reduce(0) { $0 + $1.c }
        var out = Draws(npp: [], rh: [], carbon: [])
        out.npp.reserveCapacity(d.draws)
        out.rh.reserveCapacity(d.draws)
        out.carbon.reserveCapacity(d.draws)
        d.deltas.withUnsafeBufferPointer { delta in
            let p = ParameterDraws.parameters
            for i in 0..<d.draws {
                var npp = baseNPP, carbon = baseC
                for (k, x) in terms.enumerated() {
                    let o = (i * d.classes + k) * p
                    npp += x.dn * delta[o]
                    carbon += x.t * (delta[o + 1] + delta[o + 2]) + x.a * (delta[o + 3] + delta[o + 4]) + x.l * delta[o + 5]
                }
                out.npp.append(npp)
                out.rh.append(baseRh * d.rhFactor[i])
                out.carbon.append(carbon)
            }
        }
        return out
    }

    /// Mean, standard deviation (n − 1) and the 5th, 50th and 95th percentiles (linear
    /// interpolation between order statistics, numpy's default).
    public struct Statistics: Sendable, Equatable {
        public var mean, sd, p05, p50, p95: Double

        public init(_ x: [Double]) {
            precondition(x.count >= 2)
            let n = Double(x.count)
            mean = x.reduce(0, +) / n
            let m = mean
            sd = (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot()
            let s = x.sorted()
            func q(_ p: Double) -> Double {
                let h = p * Double(s.count - 1), lo = Int(h.rounded(.down))
                return lo + 1 < s.count ? s[lo] + (h - Double(lo)) * (s[lo + 1] - s[lo]) : s[lo]
            }
            p05 = q(0.05)
            p50 = q(0.5)
            p95 = q(0.95)
        }
    }

    /// The class sums of every unit of every level (`[level][unit][class]`), rolled up from the finest.
    public static func rollUp(_ sums: ClassSums, hierarchy: ZoneHierarchy) -> [[[ClassSums.Totals]]] {
        hierarchy.units.indices.map { level in
            var byUnit = [[ClassSums.Totals]](repeating: [ClassSums.Totals](repeating: .init(), count: sums.classes),
                                              count: hierarchy.units[level].count)
            for u in 0..<sums.units {
                let target = hierarchy.finestToUnit[level][u]
                for k in 0..<sums.classes { byUnit[target][k].merge(sums[unit: u, class: k]) }
            }
            return byUnit
        }
    }

    /// `uncertainty.csv`: per level and unit, each quantity's statistics over the draws. Flux
    /// rows of a unit with no valid flux have empty statistics (missing, not zero).
    public static func csv(_ sums: ClassSums, hierarchy: ZoneHierarchy, rolled: [[[ZoneTotals]]], table: ParameterTable,
                           draws: ParameterDraws) -> String {
        var out = header.joined(separator: ",") + "\n"
        let byLevel = rollUp(sums, hierarchy: hierarchy)
        for (li, level) in hierarchy.levels.enumerated() {
            for (ui, unit) in hierarchy.units[li].enumerated() {
                let d = Uncertainty.draws(of: byLevel[li][ui], table: table, draws: draws)
                var total = ZoneTotals()
                for part in rolled[li][ui] { total.merge(part) }
                let nep = d.nep
                let series: [[Double]?] = [
                    total.hasFlux ? d.npp : nil, total.hasFlux ? d.rh : nil, total.hasFlux ? nep : nil, d.carbon,
                    total.hasFlux ? nep.map(Quantity.co2e) : nil, d.carbon.map(Quantity.co2e),
                ]
                for (q, x) in zip(quantities, series) {
                    let key = [level.name, unit.id, unit.name, q].map(ZonalTable.quote).joined(separator: ",")
                    if let x {
                        let s = Statistics(x)
                        out += key + "," + [s.mean, s.sd, s.p05, s.p50, s.p95].map { "\($0)" }.joined(separator: ",") + "\n"
                    } else {
                        out += key + ",,,,,\n"
                    }
                }
            }
        }
        return out
    }
}
