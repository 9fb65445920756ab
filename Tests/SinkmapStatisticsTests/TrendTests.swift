import Foundation
import SinkmapStatistics
import Testing
import TestSupport

@Suite struct TrendTests {
    /// By hand: y = 1, 3, 2, 5 at x = 2019…2022. Pairwise signs + + + − + + give S = 4; no
    /// ties, Var = 4·3·13/18 = 26/3; Z = (4 − 1)/√(26/3); slopes 2, 1/2, 4/3, −1, 1, 3 have the
    /// median (1 + 4/3)/2 = 7/6; intercept median(y) − 7/6 · median(x) = 2.5 − 7/6 · 2020.5.
    @Test func handComputedExample() {
        let x: [Double] = [2019, 2020, 2021, 2022], y: [Double] = [1, 3, 2, 5]
        let mk = Trend.mannKendall(y)
        #expect(mk.s == 4)
        #expect(nearlyEqual(mk.variance, 26.0 / 3))
        #expect(nearlyEqual(mk.z, 3 / (26.0 / 3).squareRoot()))
        #expect(nearlyEqual(mk.p, erfc(mk.z / 2.0.squareRoot())))
        #expect(mk.trend() == "no trend")
        let line = Trend.theilSen(x: x, y: y)
        #expect(nearlyEqual(line.slope, 7.0 / 6))
        #expect(nearlyEqual(line.intercept, 2.5 - 7.0 / 6 * 2020.5))
    }

    /// Ties: 2, 2, 2, 1 has S = −3 and Var = (4·3·13 − 3·2·11)/18 = 5, Z = −2/√5.
    @Test func tiesCorrection() {
        let mk = Trend.mannKendall([2, 2, 2, 1])
        #expect(mk.s == -3)
        #expect(nearlyEqual(mk.variance, 5))
        #expect(nearlyEqual(mk.z, -2 / 5.0.squareRoot()))
        let flat = Trend.mannKendall([7, 7, 7])
        #expect(flat.s == 0 && flat.variance == 0 && flat.z == 0 && flat.p == 1)
    }

    /// A steady rise over 10 years is significant; the sign of the decision follows S.
    @Test func decision() {
        let up = Trend.mannKendall((0..<10).map { Double($0) * 1.5 + 3 })
        #expect(up.s == 45 && up.p < 0.05 && up.trend() == "increasing")
        let down = Trend.mannKendall((0..<10).map { -Double($0) })
        #expect(down.s == -45 && down.trend() == "decreasing")
    }
}
