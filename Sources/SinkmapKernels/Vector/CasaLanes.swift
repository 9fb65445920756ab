/// The formulas of SPEC §3 on 8 pixels at a time (Float lanes), one function per formula,
/// mirroring `ScalarReference`. All are `@inline(always)` (SE-0496: guaranteed, unlike `@inline(__always)`, which Swift 6.3 left as calls here) and internal: they are inlined
/// into `CarbonKernels.run`, which is compiled with the kernel target's CPU flags. (Making
/// them `@inlinable` would let them be inlined into other modules compiled for baseline
/// x86-64, where `addingProduct` is a per-lane libm call.)
enum CasaLanes {
    static let fparMin: Float = 0.001, fparMax: Float = 0.95

    /// FPAR_m (dimensionless). `c1`, `c2` per class from `PreparedClasses` (exact rewriting of
    /// α·FPAR_NDVI + (1 − α)·FPAR_SR that avoids the cancellation in SR(N) − SR(ndvi_min)).
    @inline(always)
    static func fpar(ndvi: FloatV, ndviMin: FloatV, ndviMax: FloatV, c1: FloatV, c2: FloatV) -> FloatV {
        var n = ndvi.replacing(with: ndviMin, where: ndvi .< ndviMin)
        n = n.replacing(with: ndviMax, where: n .> ndviMax)
        let d = n - ndviMin
        var f = mulAdd(d, c1 + c2 / (1 - n), FloatV(repeating: fparMin))
        f = f.replacing(with: fparMin, where: f .< fparMin)
        f = f.replacing(with: fparMax, where: f .> fparMax)
        return f
    }

    /// Tε1 of the pixel from T_opt (°C), before the T_m ≤ −10 rule. Written as
    /// −0.0005·(T − r₁)(T − r₂) with the roots r = 20 ∓ √2000 as Float hi+lo pairs, so that the
    /// relative error stays small where Tε1 crosses zero (T_opt ≈ −24.7 or 64.7 °C).
    @inline(always)
    static func tEpsilon1(tOpt t: FloatV) -> FloatV {
        let r1Hi: Float = -24.72135955, r1Lo = Float(-24.721359549995796 - Double(r1Hi))
        let r2Hi: Float = 64.72135955, r2Lo = Float(64.72135954999580 - Double(r2Hi))
        let d1 = (t - r1Hi) - r1Lo
        let d2 = (t - r2Hi) - r2Lo
        return -0.0005 * d1 * d2
    }

    /// g(T) of SPEC §3, °C.
    @inline(always)
    static func g(_ t: FloatV, tOpt: FloatV) -> FloatV {
        let u = VectorMath.exp(0.2 * ((tOpt - 10) - t))
        let v = VectorMath.exp(0.3 * ((t - 10) - tOpt))
        return 1.184 / ((1 + u) * (1 + v))
    }

    /// Exact mask of `a > b + c` for Float lanes (as if b + c were not rounded), by 2Sum.
    @inline(always)
    static func greaterThanSum(_ a: FloatV, _ b: FloatV, _ c: Float) -> SIMDMask<IntV> {
        let s = b + c
        let bb = s - b
        let err = (b - (s - bb)) + (c - bb)          // b + c = s + err exactly
        return (a .> s) .| ((a .== s) .& (err .< 0))
    }

    /// Exact mask of `a < b + c`.
    @inline(always)
    static func lessThanSum(_ a: FloatV, _ b: FloatV, _ c: Float) -> SIMDMask<IntV> {
        let s = b + c
        let bb = s - b
        let err = (b - (s - bb)) + (c - bb)
        return (a .< s) .| ((a .== s) .& (err .> 0))
    }

    /// Tε2_m = g(T_m), or `halfGOpt` = g(T_opt)/2 when T_m > T_opt + 10 or T_m < T_opt − 13
    /// (compared exactly, as in Double).
    @inline(always)
    static func tEpsilon2(_ t: FloatV, tOpt: FloatV, halfGOpt: FloatV) -> FloatV {
        let outside = greaterThanSum(t, tOpt, 10) .| lessThanSum(t, tOpt, -13)
        return g(t, tOpt: tOpt).replacing(with: halfGOpt, where: outside)
    }

    /// One month's term of the heat index: (T/5)^1.514 when T > 0, else 0.
    @inline(always)
    static func heatIndexTerm(_ t: FloatV) -> FloatV {
        let term = VectorMath.exp(1.514 * VectorMath.log(t * 0.2))
        return term.replacing(with: 0, where: .!(t .> 0))
    }

    /// Thornthwaite exponent a(I).
    @inline(always)
    static func thornthwaiteExponent(heatIndex i: FloatV) -> FloatV {
        var a = mulAdd(FloatV(repeating: 6.75e-7), i, FloatV(repeating: -7.71e-5))
        a = mulAdd(a, i, FloatV(repeating: 1.792e-2))
        return mulAdd(a, i, FloatV(repeating: 0.49239))
    }

    /// Ep_m, mm month⁻¹: 16·(10·T/I)^a when T > 0 and I > 0, else 0.
    @inline(always)
    static func potentialET(_ t: FloatV, heatIndex i: FloatV, exponent a: FloatV) -> FloatV {
        let ep = 16 * VectorMath.exp(a * VectorMath.log(10 * t / i))
        return ep.replacing(with: 0, where: .!((t .> 0) .& (i .> 0)))
    }

    /// EET_m, mm month⁻¹ (Zhou & Zhang), when Ep > 0 and P > 0, else 0. With r = Rn/P =
    /// s(0.369 + 0.598 s), s = √(Ep/P), SPEC's P·Rn(P² + Rn² + P·Rn)/((P + Rn)(P² + Rn²)) is exactly
    /// P·q/(1 + q) with q = r + r² + r³: no overflow for large P and no cancellation.
    @inline(always)
    static func estimatedET(potentialET ep: FloatV, precipitation p: FloatV) -> FloatV {
        let s = (ep / p).squareRoot()
        let r = s * mulAdd(FloatV(repeating: 0.598), s, FloatV(repeating: 0.369))
        let q = r * mulAdd(r, r + 1, FloatV(repeating: 1))
        var eet = p * (q / (1 + q))
        eet = eet.replacing(with: p, where: r .> 1e12)            // q/(1+q) = 1 in Float, q may overflow
        return eet.replacing(with: 0, where: .!((ep .> 0) .& (p .> 0)))
    }

    /// Wε_m = 0.5 + 0.5·min(1, EET/PET), PET = (EET + Ep)/2; 1 when PET = 0.
    @inline(always)
    static func waterStress(estimatedET eet: FloatV, potentialET ep: FloatV) -> FloatV {
        let pet = (eet + ep) * 0.5
        var ratio = eet / pet
        ratio = ratio.replacing(with: 1, where: ratio .> 1)
        let w = mulAdd(ratio, FloatV(repeating: 0.5), FloatV(repeating: 0.5))
        return w.replacing(with: 1, where: pet .== 0)
    }

    /// Rh_m (pei2009), gC m⁻² month⁻¹: scale·(exp(0.0912·T) + ln(0.3145·P + 1)), scale = 0.22·30·0.465.
    @inline(always)
    static func rhPei(_ t: FloatV, _ p: FloatV, scale: Float) -> FloatV {
        scale * (VectorMath.exp(0.0912 * t) + VectorMath.log1p(0.3145 * p))
    }

    /// Rh_m (q10), gC m⁻² month⁻¹: scale·exp(rate·(T − tRef)), scale = rRef·30, rate = ln(q10)/10.
    @inline(always)
    static func rhQ10(_ t: FloatV, scale: Float, rate: Float, tRef: Float) -> FloatV {
        scale * VectorMath.exp(rate * (t - tRef))
    }
}
