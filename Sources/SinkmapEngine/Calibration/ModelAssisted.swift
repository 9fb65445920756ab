import Foundation

/// The difference estimator of a unit total (model-assisted, GREG-type with the map as the
/// model): with residuals eᵢ = observed − map over the footprint (Mg/ha) of n plots,
///
///     T = T_map + A·ē,   SE = A·s_e/√n  (s_e the residuals' sample sd, n − 1),
///     90 % interval T ± t(0.95, n − 1)·SE,   precision = t(0.95, n − 1)·SE / T.
public struct DifferenceEstimate: Sendable, Equatable {
    public var meanResidual: Double
    public var estimate: Double
    public var se: Double
    public var low: Double, high: Double
    /// Half-width over the estimate; nil when the estimate is 0.
    public var precision: Double?

    /// nil for fewer than 2 residuals (no standard error).
    public static func of(mapTotal: Double, area: Double, residuals e: [Double]) -> DifferenceEstimate? {
        let n = e.count
        guard n >= 2 else { return nil }
        let mean = e.reduce(0, +) / Double(n)
        let ss = e.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let se = area * (ss / Double(n - 1)).squareRoot() / Double(n).squareRoot()
        let t = StudentT.quantile(0.95, degreesOfFreedom: n - 1)
        let estimate = mapTotal + area * mean
        return DifferenceEstimate(meanResidual: mean, estimate: estimate, se: se, low: estimate - t * se, high: estimate + t * se,
                                  precision: estimate != 0 ? t * se / abs(estimate) : nil)
    }
}

/// Student's t distribution with whole degrees of freedom.
public enum StudentT {
    /// P(|T| ≤ t) in closed form (Abramowitz & Stegun 26.7.3, 26.7.4), θ = atan(t/√ν):
    /// ν even: sin θ·[1 + ½cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^(ν−2)θ];
    /// ν odd:  (2/π)·[θ + sin θ·(cos θ + ⅔cos³θ + … up to cos^(ν−2)θ)] (just 2θ/π for ν = 1).
    public static func centralProbability(_ t: Double, degreesOfFreedom nu: Int) -> Double {
        let theta = atan(abs(t) / Double(nu).squareRoot())
        let s = sin(theta), c = cos(theta), c2 = c * c
        if nu % 2 == 0 {
            var term = 1.0, sum = 1.0
            var k = 2
            while k <= nu - 2 {
                term *= Double(k - 1) / Double(k) * c2
                sum += term
                k += 2
            }
            return s * sum
        }
        guard nu > 1 else { return 2 * theta / Double.pi }
        var term = c, sum = c
        var k = 3
        while k <= nu - 2 {
            term *= Double(k - 1) / Double(k) * c2
            sum += term
            k += 2
        }
        return 2 / Double.pi * (theta + s * sum)
    }

    /// The p-quantile (p > 0.5), by bisection on the closed-form distribution function to the
    /// last bit of a Double.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Int) -> Double {
        precondition(p > 0.5 && p < 1 && nu >= 1)
        let target = 2 * p - 1
        var lo = 0.0, hi = 1.0
        while centralProbability(hi, degreesOfFreedom: nu) < target { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if centralProbability(mid, degreesOfFreedom: nu) < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
