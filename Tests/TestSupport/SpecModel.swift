import Foundation
import GDALKit
import Testing
import TestSupport

public enum SpecModel {
    public struct Class: Sendable {
        public var epsMax, ndviMin, ndviMax: Double
        public var agbA, agbB: Double?
        public var rootShoot, cAbove, cBelow, cSoil, cDead: Double
    }

    public enum Rh: Sendable { case pei2009, q10(rRef: Double, q10: Double, tRef: Double) }

    public static let forest = Class(epsMax: 0.692, ndviMin: 0.023, ndviMax: 0.747, agbA: 14.574468, agbB: 0.952,
                              rootShoot: 0.24, cAbove: 60, cBelow: 14, cSoil: 90, cDead: 5)
    public static let grass = Class(epsMax: 0.542, ndviMin: 0.023, ndviMax: 0.747, agbA: nil, agbB: nil,
                             rootShoot: 0.5, cAbove: 3, cBelow: 6, cSoil: 60, cDead: 1)
    /// The rows of the tests' classes.csv.
    public static let classes: [Int: Class] = [4: forest, 10: grass]

    /// Annual NPP, gC/m²/yr (CASA as SPEC §3 states it).
    public static func npp(_ c: Class, ndvi: [Double], t: [Double], p: [Double], sol: [Double]) -> Double {
        let fparMin = 0.001, fparMax = 0.95
        func sr(_ x: Double) -> Double { (1 + x) / (1 - x) }
        var peak = 0
        for m in 1..<12 where ndvi[m] > ndvi[peak] { peak = m }
        let tOpt = t[peak]
        let tE1 = 0.8 + 0.02 * tOpt - 0.0005 * tOpt * tOpt
        func g(_ x: Double) -> Double { 1.184 / ((1 + exp(0.2 * (tOpt - 10 - x))) * (1 + exp(0.3 * (-tOpt - 10 + x)))) }
        let heat = t.filter { $0 > 0 }.map { pow($0 / 5, 1.514) }.reduce(0, +)
        let a = 6.75e-7 * pow(heat, 3) - 7.71e-5 * pow(heat, 2) + 1.792e-2 * heat + 0.49239
        var total = 0.0
        for m in 0..<12 {
            let x = min(max(ndvi[m], c.ndviMin), c.ndviMax)
            let fNDVI = (x - c.ndviMin) / (c.ndviMax - c.ndviMin) * (fparMax - fparMin) + fparMin
            let fSR = (sr(x) - sr(c.ndviMin)) / (sr(c.ndviMax) - sr(c.ndviMin)) * (fparMax - fparMin) + fparMin
            let fpar = min(max(0.5 * fNDVI + 0.5 * fSR, fparMin), fparMax)
            let apar = sol[m] * fpar * 0.5
            let e1 = t[m] <= -10 ? 0 : tE1
            let e2 = (t[m] > tOpt + 10 || t[m] < tOpt - 13) ? g(tOpt) / 2 : g(t[m])
            let ep = (t[m] > 0 && heat > 0) ? 16 * pow(10 * t[m] / heat, a) : 0
            var eet = 0.0
            if ep > 0 && p[m] > 0 {
                let P = p[m]
                let rn = (ep * P).squareRoot() * (0.369 + 0.598 * (ep / P).squareRoot())
                eet = P * rn * (P * P + rn * rn + P * rn) / ((P + rn) * (P * P + rn * rn))
            }
            let pet = (eet + ep) / 2
            let w = pet == 0 ? 1 : 0.5 + 0.5 * min(1, eet / pet)
            total += apar * e1 * e2 * w * c.epsMax
        }
        return total
    }

    /// Annual Rh, gC/m²/yr.
    public static func rh(_ model: Rh, t: [Double], p: [Double]) -> Double {
        (0..<12).map { m in
            switch model {
            case .pei2009: 0.22 * (exp(0.0912 * t[m]) + log(0.3145 * p[m] + 1)) * 30 * 0.465
            case let .q10(rRef, q10, tRef): rRef * 30 * pow(q10, (t[m] - tRef) / 10)
            }
        }.reduce(0, +)
    }

    /// AGB (Mg/ha) and C_total (Mg C/ha).
    public static func stock(_ c: Class, height: Double?, cf: Double) -> (agb: Double, total: Double) {
        if let h = height, let a = c.agbA, let b = c.agbB {
            let agb = a * pow(min(max(h, 0), 100), b)
            let above = agb * cf
            return (agb, above + above * c.rootShoot + c.cSoil + c.cDead)
        }
        return (c.cAbove / cf, c.cAbove + c.cBelow + c.cSoil + c.cDead)
    }
}
