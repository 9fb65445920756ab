import Foundation
import Testing
@testable import SinkmapKernels

/// Maximum error of the polynomial exp/log/log1p/pow against libm, in units of the last place
/// of the correctly rounded Double result. On x86-64 the reference is libm's Float80 function
/// (64-bit significand, so the reference's own error is ~2⁻¹¹ ulp of a Double); elsewhere libm's Double.
@Suite struct VectorMathTests {
    #if arch(x86_64) && !os(Windows)
    typealias Wide = Float80
    #else
    typealias Wide = Double
    #endif

    static func ulpError(_ actual: Double, _ exact: Wide) -> Double {
        let rounded = Double(exact)
        if rounded.isInfinite || rounded == 0 { return actual == rounded ? 0 : .infinity }
        let ulp = Wide(rounded.ulp)
        return Double(abs(Wide(actual) - exact) / ulp)
    }

    static let lanes = DoubleV.scalarCount
    /// Where the reference is libm's Double itself (not x86-64), its own rounding (≤ ~0.5 ulp) is added to the bounds.
    static let slack = Wide.self == Double.self ? 0.5 : 0

    /// Evaluates `f` on `samples` points of [lo, hi] (geometric when `geometric`), `lanes` at a time.
    static func maxError(_ lo: Double, _ hi: Double, samples: Int, geometric: Bool = false,
                         _ f: (DoubleV) -> DoubleV, _ exact: (Wide) -> Wide) -> (ulp: Double, at: Double) {
        var worst = 0.0, at = 0.0
        var i = 0
        while i < samples {
            var x = DoubleV()
            for lane in 0..<lanes {
                let u = Double(i + lane) / Double(samples - 1)
                x[lane] = geometric ? lo * Foundation.pow(hi / lo, u) : lo + (hi - lo) * u
            }
            let y = f(x)
            for lane in 0..<lanes {
                let e = ulpError(y[lane], exact(Wide(x[lane])))
                if e > worst { worst = e; at = x[lane] }
            }
            i += lanes
        }
        return (worst, at)
    }

    @Test func expMaximumError() {
        let r = Self.maxError(-708, 709, samples: 1_000_000, VectorMath.exp, Foundation.exp)
        print("exp on [-708, 709]: max \(r.ulp) ulp at \(r.at)")
        #expect(r.ulp <= 1 + Self.slack)
        let small = Self.maxError(-1, 1, samples: 400_000, VectorMath.exp, Foundation.exp)
        print("exp on [-1, 1]: max \(small.ulp) ulp at \(small.at)")
        #expect(small.ulp <= 1 + Self.slack)
    }

    @Test func expSpecialValues() {
        let y = VectorMath.exp(DoubleV(-800, -746, 710, .infinity))
        #expect(y[0] == 0 && y[1] == 0 && y[2] == .infinity && y[3] == .infinity)
        let z = VectorMath.exp(DoubleV(-.infinity, .nan, 0, 709.7))
        #expect(z[0] == 0 && z[1].isNaN && z[2] == 1 && z[3].isFinite)
        // Subnormal results: within one ulp of the subnormal grid.
        let s = VectorMath.exp(DoubleV(-720, -740, -745, -709))
        for (lane, x) in [-720.0, -740, -745, -709].enumerated() {
            #expect(abs(s[lane] - Foundation.exp(x)) <= Double.leastNonzeroMagnitude, "exp(\(x))")
        }
    }

    @Test func logMaximumError() {
        let wide = Self.maxError(1e-300, 1e300, samples: 1_000_000, geometric: true, VectorMath.log, Foundation.log)
        print("log on [1e-300, 1e300]: max \(wide.ulp) ulp at \(wide.at)")
        #expect(wide.ulp <= 1 + Self.slack)
        let nearOne = Self.maxError(0.5, 2, samples: 1_000_000, VectorMath.log, Foundation.log)
        print("log on [0.5, 2]: max \(nearOne.ulp) ulp at \(nearOne.at)")
        #expect(nearOne.ulp <= 1 + Self.slack)
        let sub = Self.maxError(0x1p-1070, 0x1p-1023, samples: 100_000, geometric: true, VectorMath.log, Foundation.log)
        print("log on subnormals: max \(sub.ulp) ulp at \(sub.at)")
        #expect(sub.ulp <= 1 + Self.slack)
    }

    @Test func logSpecialValues() {
        let y = VectorMath.log(DoubleV(0, -1, .nan, .infinity))
        #expect(y[0] == -.infinity && y[1].isNaN && y[2].isNaN && y[3] == .infinity)
        let z = VectorMath.log(DoubleV(1, 2, -0.0, Double.leastNonzeroMagnitude))
        #expect(z[0] == 0 && z[1] == Foundation.log(2.0) && z[2] == -.infinity)
        #expect(abs(z[3] - -744.4400719213812) < 1e-12)
    }

    @Test func log1pMaximumError() {
        let r = Self.maxError(1e-12, 1e6, samples: 1_000_000, geometric: true, VectorMath.log1p, Foundation.log1p)
        print("log1p on [1e-12, 1e6]: max \(r.ulp) ulp at \(r.at)")
        #expect(r.ulp <= 2.5 + Self.slack)
        let y = VectorMath.log1p(DoubleV(0, 1e-300, .infinity, 1))
        #expect(y[0] == 0 && y[1] == 1e-300 && y[2] == .infinity && y[3] == Foundation.log(2.0))
    }

    /// pow as used by the kernels: (T/5)^1.514, (10T/I)^a, h^b.
    @Test func powRelativeError() {
        var rng = SplitMix64(seed: 9)
        var worst = 0.0, worstInUnits = 0.0
        for _ in 0..<(200_000 / Self.lanes) {
            var x = DoubleV(), y = DoubleV()
            for lane in 0..<Self.lanes {
                x[lane] = Double.random(in: 0.001...100, using: &rng); y[lane] = Double.random(in: 0.3...5, using: &rng)
            }
            let p = VectorMath.pow(x, y)
            for lane in 0..<Self.lanes {
                let exact = Foundation.pow(Wide(x[lane]), Wide(y[lane]))
                let rel = Double(abs(Wide(p[lane]) - exact) / exact)
                worst = max(worst, rel)
                // log's ≤ 1 ulp and the rounding of y·log x cost ≈ |y·log x|·2⁻⁵² relative; exp adds ≤ 1 ulp.
                let unit = (1 + abs(y[lane] * Foundation.log(x[lane]))) * 0x1p-52
                worstInUnits = max(worstInUnits, rel / unit)
            }
        }
        print("pow(x in [0.001, 100], y in [0.3, 5]): max relative error \(worst), \(worstInUnits) × (1 + |y·ln x|)·2⁻⁵²")
        #expect(worstInUnits <= 1)
        #expect(VectorMath.pow(DoubleV(repeating: 0), DoubleV(repeating: 0.952))[0] == 0)
    }
}

/// The exact rewrites of `CasaLanes` against the plain formulas of `ScalarReference`.
@Suite struct CasaLanesRewriteTests {
    @Test func constantsMatchLibm() {
        #expect(CasaLanes.eMinus2 == Foundation.exp(-2.0) && CasaLanes.eMinus3 == Foundation.exp(-3.0))
        #expect(CasaLanes.ln5 == Foundation.log(5.0))
        #expect(isClose(CasaLanes.halfGOpt, ScalarReference.g(17.3, tOpt: 17.3) / 2, rel: 1e-15))
    }

    /// g with one exp (w = e^(0.1·(T − T_opt))) against SPEC's two-exp form, over the range where it is used.
    @Test func gWithOneExpMatchesTheReference() {
        var rng = SplitMix64(seed: 4)
        var worst = 0.0
        for _ in 0..<20_000 {
            var t = DoubleV(), tOpt = DoubleV()
            for lane in 0..<DoubleV.scalarCount {
                tOpt[lane] = Double(Float.random(in: -40...40, using: &rng))
                t[lane] = Double(Float(tOpt[lane] + Double.random(in: -13...10, using: &rng)))
            }
            let g = CasaLanes.g(t, tOpt: tOpt)
            let e2 = CasaLanes.tEpsilon2(t, tOpt: tOpt)
            for lane in 0..<DoubleV.scalarCount {
                let ref = ScalarReference.g(t[lane], tOpt: tOpt[lane])
                worst = max(worst, abs(g[lane] - ref) / ref)
                #expect(isClose(e2[lane], ScalarReference.tEpsilon2(temperature: t[lane], tOpt: tOpt[lane]), rel: 1e-13))
            }
        }
        print("g (one exp) against the reference for -13 <= T - T_opt <= 10: max relative difference \(worst)")
        #expect(worst <= 1e-14)
        // Far outside, the half-value rule applies and nothing overflows.
        let far = CasaLanes.tEpsilon2(DoubleV(1e30, -1e30, 3e38, 500), tOpt: DoubleV(0, 0, -3e38, -500))
        for lane in 0..<DoubleV.scalarCount { #expect(far[lane] == CasaLanes.halfGOpt) }
    }
}
