import Foundation
import Testing
@testable import SinkmapKernels

/// Maximum error of the polynomial exp/log against libm in Double, in units of the last
/// place of the correctly rounded Float result.
@Suite struct VectorMathTests {
    static func ulpError(_ actual: Float, _ exact: Double) -> Double {
        let rounded = Float(exact)
        if rounded.isInfinite { return actual == rounded ? 0 : .infinity }
        let ulp = Double(rounded.ulp)
        return abs(Double(actual) - exact) / ulp
    }

    /// Evaluates `f` on `samples` points of [lo, hi] (geometric when `log`), 8 at a time.
    static func maxError(_ lo: Double, _ hi: Double, samples: Int, geometric: Bool = false,
                         _ f: (FloatV) -> FloatV, _ exact: (Double) -> Double) -> (ulp: Double, at: Float) {
        var worst = 0.0, at: Float = 0
        var i = 0
        while i < samples {
            var x = FloatV()
            for lane in 0..<8 {
                let u = Double(i + lane) / Double(samples - 1)
                x[lane] = Float(geometric ? lo * Foundation.pow(hi / lo, u) : lo + (hi - lo) * u)
            }
            let y = f(x)
            for lane in 0..<8 {
                let e = ulpError(y[lane], exact(Double(x[lane])))
                if e > worst { worst = e; at = x[lane] }
            }
            i += 8
        }
        return (worst, at)
    }

    @Test func expMaximumError() {
        let r = Self.maxError(-87.3, 88.7, samples: 2_000_000, VectorMath.exp, Foundation.exp)
        print("exp on [-87.3, 88.7]: max \(r.ulp) ulp at \(r.at)")
        #expect(r.ulp <= 2)
        let small = Self.maxError(-1, 1, samples: 400_000, VectorMath.exp, Foundation.exp)
        print("exp on [-1, 1]: max \(small.ulp) ulp at \(small.at)")
        #expect(small.ulp <= 2)
    }

    @Test func expSpecialValues() {
        let x = FloatV(-200, -104, 89, .infinity, -.infinity, .nan, 0, 88.7)
        let y = VectorMath.exp(x)
        #expect(y[0] == 0 && y[1] == 0 && y[2] == .infinity && y[3] == .infinity && y[4] == 0)
        #expect(y[5].isNaN && y[6] == 1 && y[7].isFinite)
        // Subnormal results.
        let s = VectorMath.exp(FloatV(repeating: -95))
        #expect(abs(Double(s[0]) - Foundation.exp(-95.0)) <= Double(Float.leastNonzeroMagnitude))
    }

    @Test func logMaximumError() {
        let wide = Self.maxError(1e-37, 1e37, samples: 2_000_000, geometric: true, VectorMath.log, Foundation.log)
        print("log on [1e-37, 1e37]: max \(wide.ulp) ulp at \(wide.at)")
        #expect(wide.ulp <= 2)
        let nearOne = Self.maxError(0.5, 2, samples: 2_000_000, VectorMath.log, Foundation.log)
        print("log on [0.5, 2]: max \(nearOne.ulp) ulp at \(nearOne.at)")
        #expect(nearOne.ulp <= 2)
        let sub = Self.maxError(1e-44, 1e-38, samples: 100_000, geometric: true, VectorMath.log, Foundation.log)
        print("log on subnormals: max \(sub.ulp) ulp at \(sub.at)")
        #expect(sub.ulp <= 2)
    }

    @Test func logSpecialValues() {
        let y = VectorMath.log(FloatV(0, -1, .nan, .infinity, 1, 2, -0.0, Float.leastNonzeroMagnitude))
        #expect(y[0] == -.infinity && y[1].isNaN && y[2].isNaN && y[3] == .infinity && y[4] == 0)
        #expect(abs(y[5] - 0.6931472) < 1e-7 && y[6] == -.infinity && abs(y[7] - -103.27893) < 1e-4)
    }

    @Test func log1pMaximumError() {
        let r = Self.maxError(1e-8, 1e4, samples: 1_000_000, geometric: true, VectorMath.log1p, Foundation.log1p)
        print("log1p on [1e-8, 1e4]: max \(r.ulp) ulp at \(r.at)")
        #expect(r.ulp <= 3)
        #expect(VectorMath.log1p(FloatV(repeating: 0))[0] == 0)
    }

    /// pow as used by the kernels: (T/5)^1.514, (10T/I)^a, h^b.
    @Test func powRelativeError() {
        var rng = SplitMix64(seed: 9)
        var worst = 0.0, worstInUnits = 0.0
        for _ in 0..<50_000 {
            var x = FloatV(), y = FloatV()
            for lane in 0..<8 { x[lane] = Float.random(in: 0.001...100, using: &rng); y[lane] = Float.random(in: 0.3...5, using: &rng) }
            let p = VectorMath.pow(x, y)
            for lane in 0..<8 {
                let exact = Foundation.pow(Double(x[lane]), Double(y[lane]))
                let rel = abs(Double(p[lane]) - exact) / exact
                worst = max(worst, rel)
                // Rounding y·log x costs |y·log x|·2⁻²⁴ relative; exp and log add about 1 ulp.
                let unit = (1 + abs(Double(y[lane]) * Foundation.log(Double(x[lane])))) * 0x1p-24
                worstInUnits = max(worstInUnits, rel / unit)
            }
        }
        print("pow(x in [0.001, 100], y in [0.3, 5]): max relative error \(worst), \(worstInUnits) × (1 + |y·ln x|)·2⁻²⁴")
        #expect(worstInUnits <= 2.5)
        #expect(VectorMath.pow(FloatV(repeating: 0), FloatV(repeating: 0.952))[0] == 0)
    }
}
