#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Mann–Kendall trend test of a series (Mann 1945, Kendall 1975), two-sided.
public struct MannKendall: Sendable, Equatable {
    /// S = Σ_{i<j} sign(y_j − y_i).
    public var s: Int
    /// Var(S) with the ties correction: [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over groups of t equal values.
    public var variance: Double
    /// (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, 0 for S = 0 (continuity correction).
    public var z: Double
    /// Two-sided p of Z under the standard normal: erfc(|Z|/√2).
    public var p: Double

    /// "increasing", "decreasing" or "no trend" at the level `alpha` (p < alpha).
    public func trend(alpha: Double = 0.05) -> String {
        p < alpha ? (s > 0 ? "increasing" : "decreasing") : "no trend"
    }
}

/// A Theil–Sen line: the median of the pairwise slopes and the intercept
/// median(y) − slope · median(x) (as scipy.stats.theilslopes computes it by default).
public struct TheilSen: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
}

/// Trend statistics of a short series (years of a monitoring series): pure functions over
/// values, with buffer forms that do not allocate for the per-pixel loop.
public enum Trend {
    /// The fewest values a trend is computed over.
    public static let minimumCount = 3

    public static func mannKendall(_ y: [Double]) -> MannKendall {
        var scratch = [Double](repeating: 0, count: y.count)
        return y.withUnsafeBufferPointer { yb in
            scratch.withUnsafeMutableBufferPointer { mannKendall(yb, scratch: $0) }
        }
    }

    public static func theilSen(x: [Double], y: [Double]) -> TheilSen {
        precondition(x.count == y.count)
        let n = x.count
        var scratch = [Double](repeating: 0, count: scratchCount(n))
        return x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                scratch.withUnsafeMutableBufferPointer { theilSen(x: xb, y: yb, scratch: $0) }
            }
        }
    }

    /// Scratch values `theilSen` needs for n points: the pairwise slopes.
    public static func scratchCount(_ n: Int) -> Int { max(n * (n - 1) / 2, n) }

    /// Mann–Kendall of `y`; `scratch` holds at least y.count values (for the tie groups).
    public static func mannKendall(_ y: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) -> MannKendall {
        let n = y.count
        var s = 0
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                let d = y[j] - y[i]
                s += d > 0 ? 1 : (d < 0 ? -1 : 0)
            }
        }
        // Ties: sort a copy and count runs of equal values.
        for i in 0..<n { scratch[i] = y[i] }
        let sorted = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
        heapSort(sorted)
        var tieTerm = 0.0
        var i = 0
        while i < n {
            var j = i + 1
            while j < n && sorted[j] == sorted[i] { j += 1 }
            let t = Double(j - i)
            if j - i > 1 { tieTerm += t * (t - 1) * (2 * t + 5) }
            i = j
        }
        let nd = Double(n)
        let variance = (nd * (nd - 1) * (2 * nd + 5) - tieTerm) / 18
        var z = 0.0
        if variance > 0 {
            if s > 0 { z = Double(s - 1) / variance.squareRoot() }
            if s < 0 { z = Double(s + 1) / variance.squareRoot() }
        }
        let p = erfc(abs(z) / 2.0.squareRoot())
        return MannKendall(s: s, variance: variance, z: z, p: p)
    }

    /// Theil–Sen line of (x, y); pairs with equal x are skipped. `scratch` holds at least
    /// `scratchCount(x.count)` values.
    public static func theilSen(x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>,
                                scratch: UnsafeMutableBufferPointer<Double>) -> TheilSen {
        let n = x.count
        var k = 0
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) where x[j] != x[i] {
                scratch[k] = (y[j] - y[i]) / (x[j] - x[i])
                k += 1
            }
        }
        guard k > 0 else { return TheilSen(slope: .nan, intercept: .nan) }
        let slope = median(UnsafeMutableBufferPointer(rebasing: scratch[0..<k]))
        for i in 0..<n { scratch[i] = y[i] }
        let my = median(UnsafeMutableBufferPointer(rebasing: scratch[0..<n]))
        for i in 0..<n { scratch[i] = x[i] }
        let mx = median(UnsafeMutableBufferPointer(rebasing: scratch[0..<n]))
        return TheilSen(slope: slope, intercept: my - slope * mx)
    }

    /// The median of `values` (sorted in place); the mean of the two middle ones for an even count.
    static func median(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
        heapSort(values)
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }

    /// In-place heap sort: no allocation, whatever the count (the standard library's sort may
    /// allocate a merge buffer beyond 20 elements, which the per-pixel loop must not).
    static func heapSort(_ a: UnsafeMutableBufferPointer<Double>) {
        let n = a.count
        guard n > 1 else { return }
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[child] < a[child + 1] { child += 1 }
                guard a[root] < a[child] else { return }
                a.swapAt(root, child)
                root = child
            }
        }
        for start in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(start, n) }
        for end in stride(from: n - 1, to: 0, by: -1) {
            a.swapAt(0, end)
            siftDown(0, end)
        }
    }
}
