import Foundation
import SinkmapStatistics
import Testing
import TestSupport

/// The trend tests against an independent reference: scipy and the Python Mann–Kendall
/// (Tests/fixtures/trend-reference.py), run as a separate process.
@Suite struct TrendReferenceTests {
    /// 200 seeded series of 3 to 15 values (half with ties from rounding, uneven years)
    /// against scipy and the Python Mann–Kendall, to 1e-9.
    @Test func agreesWithScipy() throws {
        var g = SeededGenerator(seed: 1212)
        for n in [3, 4, 5, 7, 10, 15] {
            var x: [Double] = [], year = 2000.0
            for _ in 0..<n {
                x.append(year)
                year += Double(1 + g.next() % 2)
            }
            let series: [[Double]] = (0..<34).map { k in
                (0..<n).map { i in
                    let v = Double(i) * Double(Int(g.next() % 7) - 3) * 0.37 + Double(g.next() % 1000) / 100
                    return k % 2 == 0 ? v.rounded() : v
                }
            }
            let reference = try TrendReference.compute(x: x, series: series)
            for (y, r) in zip(series, reference) {
                let mk = Trend.mannKendall(y), line = Trend.theilSen(x: x, y: y)
                #expect(mk.s == r.s, "n \(n) \(y)")
                #expect(nearlyEqual(mk.variance, r.var), "n \(n) \(y)")
                #expect(nearlyEqual(mk.z, r.z), "n \(n) \(y)")
                #expect(nearlyEqual(mk.p, r.p), "n \(n) \(y)")
                #expect(nearlyEqual(line.slope, r.slope), "n \(n) \(y)")
                #expect(nearlyEqual(line.intercept, r.intercept), "n \(n) \(y)")
            }
        }
    }
}
