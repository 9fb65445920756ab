/// Vector width of the kernels: 8 Float lanes = one 256-bit AVX register on x86-64-v3,
/// two 128-bit NEON registers on aarch64.
typealias FloatV = SIMD8<Float>
typealias IntV = SIMD8<Int32>

/// Fused multiply-add `a·b + c` where the target has FMA (compiled with `SINKMAP_FMA`,
/// or aarch64), else a separate multiply and add. Never a per-lane libm `fmaf` call,
/// which is what `addingProduct` becomes on baseline x86-64 (SSE2).
@inline(always)
func mulAdd(_ a: FloatV, _ b: FloatV, _ c: FloatV) -> FloatV {
    #if SINKMAP_FMA || arch(arm64)
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

@inline(always) func bits(_ x: FloatV) -> IntV { unsafeBitCast(x, to: IntV.self) }
@inline(always) func float(bits: IntV) -> FloatV { unsafeBitCast(bits, to: FloatV.self) }

/// Vectorized exp and log of our own (Cody–Waite range reduction and the Cephes
/// single-precision minimax polynomials), branch-free over 8 lanes.
///
/// Maximum error, measured against Double libm in `VectorMathTests` (FMA build):
/// - `exp`: ≤ 2 ulp relative on [−87, 88] (results below FLT_MIN are subnormal-correct to ~1 ulp of
///   FLT_MIN·2⁻²³; x < −103.9 gives 0, x > 88.72 gives +∞, NaN gives NaN);
/// - `log`: ≤ 2 ulp relative away from x = 1 and ≤ 2⁻²⁴·|log x| + 1e−7·… absolute near 1, over all positive
///   normal and subnormal floats; log 0 = −∞, log of a negative or NaN is NaN, log +∞ = +∞;
/// - `log1p`: ≤ 3 ulp relative for x ≥ 0 (Goldberg's u = 1 + x correction);
/// - `pow(x, y) = exp(y·log x)`: relative error ≈ |y·log x|·2⁻²⁴ + exp's, for x > 0.
/// The figures actually measured are printed by the tests and recorded in KERNELS.md.
enum VectorMath {
    // ln 2 split in a part exact in few bits and a remainder (Cody–Waite).
    static let ln2Hi: Float = 0.693359375
    static let ln2Lo: Float = -2.12194440e-4
    static let log2e: Float = 1.44269504088896341

    /// e^x, see the type's documentation for its error.
    @inline(always)
    static func exp(_ x: FloatV) -> FloatV {
        let upper: Float = 88.72283935546875, lower: Float = -103.972084
        var xc = x.replacing(with: upper, where: x .> upper)
        xc = xc.replacing(with: lower, where: xc .< lower)
        // n = round(x / ln 2) with the 1.5·2²³ trick: the low mantissa bits of `t` hold n.
        let magic: Float = 12582912
        let t = mulAdd(xc, FloatV(repeating: log2e), FloatV(repeating: magic))
        let n = t - magic
        var r = mulAdd(n, FloatV(repeating: -ln2Hi), xc)
        r = mulAdd(n, FloatV(repeating: -ln2Lo), r)
        // e^r on [−ln2/2, ln2/2]
        var p = mulAdd(FloatV(repeating: 1.9875691500e-4), r, FloatV(repeating: 1.3981999507e-3))
        p = mulAdd(p, r, FloatV(repeating: 8.3334519073e-3))
        p = mulAdd(p, r, FloatV(repeating: 4.1665795894e-2))
        p = mulAdd(p, r, FloatV(repeating: 1.6666665459e-1))
        p = mulAdd(p, r, FloatV(repeating: 5.0000001201e-1))
        p = mulAdd(p, r * r, r) + 1
        // 2ⁿ as two normal factors 2^(n>>1)·2^(n−n>>1) so that n ∈ [−150, 128] never leaves the normal range.
        let ni = bits(t) &- 0x4B40_0000
        let n1 = ni &>> 1
        let n2 = ni &- n1
        let s1 = float(bits: (n1 &+ 127) &<< 23)
        let s2 = float(bits: (n2 &+ 127) &<< 23)
        var y = p * s1 * s2
        y = y.replacing(with: .infinity, where: x .> upper)
        y = y.replacing(with: 0, where: x .< lower)
        return y
    }

    /// Natural logarithm, see the type's documentation for its error.
    @inline(always)
    static func log(_ x: FloatV) -> FloatV {
        // Scale subnormals into the normal range first.
        let subnormal = x .< Float.leastNormalMagnitude
        let xs = x.replacing(with: x * 8388608, where: subnormal)
        let b = bits(xs)
        // Exponent as a float without an int→float conversion: 2²³ + k has k in its mantissa.
        var e = float(bits: (b &>> 23) & 0xFF | 0x4B00_0000) - 8_388_735
        e = e.replacing(with: e - 23, where: subnormal)
        var m = float(bits: (b & 0x007F_FFFF) | 0x3F80_0000)          // [1, 2)
        let high = m .> 1.41421356
        m = m.replacing(with: m * 0.5, where: high)                    // [√½, √2)
        e = e.replacing(with: e + 1, where: high)
        let f = m - 1
        let z = f * f
        var p = mulAdd(FloatV(repeating: 7.0376836292e-2), f, FloatV(repeating: -1.1514610310e-1))
        p = mulAdd(p, f, FloatV(repeating: 1.1676998740e-1))
        p = mulAdd(p, f, FloatV(repeating: -1.2420140846e-1))
        p = mulAdd(p, f, FloatV(repeating: 1.4249322787e-1))
        p = mulAdd(p, f, FloatV(repeating: -1.6668057665e-1))
        p = mulAdd(p, f, FloatV(repeating: 2.0000714765e-1))
        p = mulAdd(p, f, FloatV(repeating: -2.4999993993e-1))
        p = mulAdd(p, f, FloatV(repeating: 3.3333331174e-1))
        var y = p * f * z
        y = mulAdd(e, FloatV(repeating: ln2Lo), y)
        y = mulAdd(z, FloatV(repeating: -0.5), y)
        y = mulAdd(e, FloatV(repeating: ln2Hi), f + y)
        y = y.replacing(with: -.infinity, where: x .== 0)
        y = y.replacing(with: .infinity, where: x .== .infinity)
        y = y.replacing(with: .nan, where: .!(x .>= 0))
        return y
    }

    /// ln(1 + x) accurate for small x ≥ 0 (Goldberg: log(u)·x/(u − 1) with u = 1 + x).
    @inline(always)
    static func log1p(_ x: FloatV) -> FloatV {
        let u = x + 1
        let d = u - 1
        let y = log(u) * (x / d)
        return y.replacing(with: x, where: d .== 0)
    }

    /// x^y = exp(y·log x) for x > 0 (x = 0 gives 0 for y > 0).
    @inline(always)
    static func pow(_ x: FloatV, _ y: FloatV) -> FloatV { exp(y * log(x)) }
}
