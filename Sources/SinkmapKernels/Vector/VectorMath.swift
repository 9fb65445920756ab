// This file, CasaLanes.swift and CarbonKernels.swift are compiled twice: here, and (through
// symbolic links) as the AVX-512 variant in SinkmapKernelsAVX512, which defines SINKMAP_AVX512
// on x86-64 (the types they share, `TileInputs` and `PreparedClasses`, come from this module).
#if SINKMAP_AVX512
/// The AVX-512 variant's lanes: 8 Doubles = one 512-bit register.
typealias Lanes<Scalar: SIMDScalar> = SIMD8<Scalar>
#else
/// The kernels' lanes: 4 Doubles = one 256-bit AVX register on x86-64-v3 (two 128-bit NEON
/// registers on aarch64).
typealias Lanes<Scalar: SIMDScalar> = SIMD4<Scalar>
#endif
/// Vector types of the kernels. Inputs are Float planes, widened on load (`FloatV`); all
/// arithmetic is Double; outputs are narrowed to Float on store.
typealias DoubleV = Lanes<Double>
typealias FloatV = Lanes<Float>
typealias Int32V = Lanes<Int32>
typealias Int64V = Lanes<Int64>
typealias BitsV = Lanes<UInt64>
typealias MaskV = SIMDMask<Int64V>

/// Fused multiply-add `a·b + c` where the target has FMA (compiled with `SINKMAP_FMA`,
/// or aarch64), else a separate multiply and add. Never a per-lane libm `fma` call,
/// which is what `addingProduct` becomes on baseline x86-64 (SSE2).
@inline(always)
func mulAdd(_ a: DoubleV, _ b: DoubleV, _ c: DoubleV) -> DoubleV {
    #if SINKMAP_FMA || arch(arm64)
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

@inline(always) func mulAdd(_ a: DoubleV, _ b: Double, _ c: Double) -> DoubleV {
    mulAdd(a, DoubleV(repeating: b), DoubleV(repeating: c))
}

@inline(always) func bits(_ x: DoubleV) -> BitsV { unsafeBitCast(x, to: BitsV.self) }
@inline(always) func double(bits: BitsV) -> DoubleV { unsafeBitCast(bits, to: DoubleV.self) }

/// Vectorized double-precision exp, log, log1p and pow of our own, branch-free over the lanes
/// (no libm call): Cody–Waite range reduction with the fdlibm split of ln 2, a Taylor polynomial
/// for exp and fdlibm's minimax polynomial for log, evaluated with FMA where the target has it.
///
/// Maximum error, measured against glibc's libm in `VectorMathTests` (FMA build; the figures
/// actually measured are printed by the tests and recorded in KERNELS.md):
/// - `exp`: ≤ 1 ulp on [−708, 709]; x > 709.78 gives +∞, x < −745.14 gives 0 (results in the
///   subnormal range are rebuilt in two factors and correct to ~1 ulp of the subnormal), NaN → NaN;
/// - `log`: ≤ 1 ulp over all positive normal and subnormal doubles; log 0 = −∞, log +∞ = +∞,
///   log of a negative number or NaN = NaN;
/// - `log1p`: ≤ 2 ulp for x ≥ 0 (Goldberg's u = 1 + x correction);
/// - `pow(x, y) = exp(y·log x)` for x ≥ 0: relative error ≤ (|y·ln x| + 2)·2⁻⁵³ (rounding y·log x).
enum VectorMath {
    /// ln 2 split as in fdlibm: `ln2Hi` has 32 trailing zero bits, so n·ln2Hi is exact for |n| < 2²⁰.
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    static let log2e = 1.44269504088896338700e+00
    /// 1.5·2⁵²: adding it rounds to an integer and leaves that integer in the low mantissa bits.
    static let magic = 6755399441055744.0

    static let expUpper = 709.782712893383973096          // ln(DBL_MAX)
    static let expLower = -745.1332191019412               // below: rounds to 0

    /// e^x, see the type's documentation for its error.
    @inline(always)
    static func exp(_ x: DoubleV) -> DoubleV {
        var xc = x.replacing(with: expUpper, where: x .> expUpper)
        xc = xc.replacing(with: expLower, where: xc .< expLower)
        // n = round(x/ln 2); r = x − n·ln 2 ∈ [−ln2/2, ln2/2] (Cody–Waite, two steps).
        let n = mulAdd(xc, log2e, magic) - magic
        var r = mulAdd(n, DoubleV(repeating: -ln2Hi), xc)
        r = mulAdd(n, DoubleV(repeating: -ln2Lo), r)
        // e^r − 1 − r = r²·Σ r^k/(k+2)!, k = 0…11 (Taylor to degree 13; remainder < r¹⁴/14! ≈ 5e−18).
        var p = mulAdd(r, 1.0 / 6227020800, 1.0 / 479001600)     // 1/13!, 1/12!
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 39916800))     // 1/11!
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 3628800))
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 362880))
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 40320))
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 5040))
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 720))
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 120))
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 24))
        p = mulAdd(p, r, DoubleV(repeating: 1.0 / 6))
        p = mulAdd(p, r, DoubleV(repeating: 0.5))
        p = mulAdd(p, r * r, r) + 1
        // 2ⁿ as two normal factors 2^n₁·2^(n−n₁), n₁ = n/2 rounded (by the magic addition: no `roundpd`,
        // which baseline SSE2 lacks and would call `floor` per lane), so n ∈ [−1075, 1024] never leaves
        // the normal range. An integer-valued double k becomes its bits by k + magic (no cvtpd2qq on AVX2).
        let n1 = (n * 0.5 + magic) - magic
        let n2 = n - n1
        let bias = bits(DoubleV(repeating: magic)) &- 1023
        let s1 = double(bits: (bits(n1 + magic) &- bias) &<< 52)
        let s2 = double(bits: (bits(n2 + magic) &- bias) &<< 52)
        var y = p * s1 * s2
        y = y.replacing(with: .infinity, where: x .> expUpper)
        y = y.replacing(with: 0, where: x .< expLower)
        return y
    }

    /// fdlibm's minimax coefficients of (log(1+f) − 2s)/s − … in z = s², s = f/(2 + f) (e_log.c).
    static let lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01
    static let lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01
    static let lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01
    static let lg7 = 1.479819860511658591e-01

    /// Natural logarithm, see the type's documentation for its error.
    @inline(always)
    static func log(_ x: DoubleV) -> DoubleV {
        // Scale subnormals into the normal range first.
        let subnormal = x .< Double.leastNormalMagnitude
        let xs = x.replacing(with: x * 0x1p54, where: subnormal)
        let b = bits(xs)
        // Biased exponent k as a double without an int→double conversion: 2⁵² + k has k in its mantissa.
        let exponentBits = (b &>> 52) & 0x7FF
        var e = double(bits: exponentBits | 0x4330_0000_0000_0000) - (0x1p52 + 1023)
        e = e.replacing(with: e - 54, where: subnormal)
        var m = double(bits: (b & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)   // [1, 2)
        let high = m .> 1.4142135623730951
        m = m.replacing(with: m * 0.5, where: high)                                    // [√½, √2]
        e = e.replacing(with: e + 1, where: high)
        // log m = f − hfsq + s·(hfsq + R(z)), f = m − 1, hfsq = f²/2, s = f/(2 + f), z = s².
        let f = m - 1
        let s = f / (2 + f)
        let z = s * s
        var rr = mulAdd(z, lg7, lg6)
        rr = mulAdd(rr, z, DoubleV(repeating: lg5))
        rr = mulAdd(rr, z, DoubleV(repeating: lg4))
        rr = mulAdd(rr, z, DoubleV(repeating: lg3))
        rr = mulAdd(rr, z, DoubleV(repeating: lg2))
        rr = mulAdd(rr, z, DoubleV(repeating: lg1))
        rr = rr * z
        let hfsq = 0.5 * f * f
        // e·ln2Hi − ((hfsq − (s·(hfsq + R) + e·ln2Lo)) − f), as fdlibm orders it.
        let lo = mulAdd(s, hfsq + rr, e * ln2Lo)
        var y = mulAdd(e, DoubleV(repeating: ln2Hi), -((hfsq - lo) - f))
        y = y.replacing(with: -.infinity, where: x .== 0)
        y = y.replacing(with: .infinity, where: x .== .infinity)
        y = y.replacing(with: .nan, where: .!(x .>= 0))
        return y
    }

    /// ln(1 + x) accurate for small x ≥ 0 (Goldberg: log(u)·x/(u − 1) with u = 1 + x).
    @inline(always)
    static func log1p(_ x: DoubleV) -> DoubleV {
        let u = x + 1
        let d = u - 1
        let y = log(u) * (x / d)
        return y.replacing(with: x, where: (d .== 0) .| (x .== .infinity))
    }

    /// x^y = exp(y·log x) for x ≥ 0 (x = 0 gives 0 for y > 0).
    @inline(always)
    static func pow(_ x: DoubleV, _ y: DoubleV) -> DoubleV { exp(y * log(x)) }
}
