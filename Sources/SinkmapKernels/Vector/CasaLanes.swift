/// The formulas of SPEC §3 on 4 pixels at a time (Double lanes), one function per formula,
/// mirroring `ScalarReference`. All are `@inline(always)` (SE-0496: guaranteed, unlike
/// `@inline(__always)`, which Swift 6.3 left as calls here) and internal: they are inlined
/// into `CarbonKernels.run`, which is compiled with the kernel target's CPU flags. (Making
/// them `@inlinable` would let them be inlined into other modules compiled for baseline
/// x86-64, where `addingProduct` is a per-lane libm call.)
enum CasaLanes {
    static let fparMin = 0.001, fparMax = 0.95

    /// FPAR_m (dimensionless). `c1`, `c2` per class from `PreparedClasses` (exact rewriting of
    /// α·FPAR_NDVI + (1 − α)·FPAR_SR that avoids the cancellation in SR(N) − SR(ndvi_min)).
    @inline(always)
    static func fpar(ndvi: DoubleV, ndviMin: DoubleV, ndviMax: DoubleV, c1: DoubleV, c2: DoubleV) -> DoubleV {
        var n = ndvi.replacing(with: ndviMin, where: ndvi .< ndviMin)
        n = n.replacing(with: ndviMax, where: n .> ndviMax)
        let d = n - ndviMin
        var f = mulAdd(d, c1 + c2 / (1 - n), DoubleV(repeating: fparMin))
        f = f.replacing(with: fparMin, where: f .< fparMin)
        f = f.replacing(with: fparMax, where: f .> fparMax)
        return f
    }

    /// Roots of 0.8 + 0.02·T − 0.0005·T² = −0.0005·(T − r₁)(T − r₂): r = 20 ∓ √2000.
    static let tEps1Root1 = -24.721359549995796, tEps1Root2 = 64.721359549995796

    /// Tε1 of the pixel from T_opt (°C), before the T_m ≤ −10 rule. Written as
    /// −0.0005·(T − r₁)(T − r₂), so the relative error stays small where Tε1 crosses zero
    /// (T_opt ≈ −24.7 or 64.7 °C) instead of cancelling 0.8 against 0.02·T − 0.0005·T².
    @inline(always)
    static func tEpsilon1(tOpt t: DoubleV) -> DoubleV {
        -0.0005 * (t - tEps1Root1) * (t - tEps1Root2)
    }

    /// e⁻² and e⁻³ (checked against libm in `VectorMathTests`).
    static let eMinus2 = 0.1353352832366127, eMinus3 = 0.049787068367863944

    /// g(T) of SPEC §3, °C, with one exp instead of two: with d = T − T_opt and w = e^(0.1·d),
    /// exp(0.2·(T_opt − 10 − T)) = e⁻²/w² and exp(0.3·(T − 10 − T_opt)) = e⁻³·w³, so exactly
    /// g = 1.184·w²/((w² + e⁻²)(1 + e⁻³·w³)). d is clamped to [−14, 11]: g is only used for
    /// −13 ≤ d ≤ 10 (the half-value rule replaces it elsewhere), and w³ cannot overflow.
    @inline(always)
    static func g(_ t: DoubleV, tOpt: DoubleV) -> DoubleV {
        var d = t - tOpt
        d = d.replacing(with: -14, where: d .< -14)
        d = d.replacing(with: 11, where: d .> 11)
        let w = VectorMath.exp(0.1 * d)
        let w2 = w * w
        return 1.184 * w2 / ((w2 + eMinus2) * mulAdd(w2 * w, eMinus3, 1))
    }

    /// g(T_opt)/2 = 0.592/((1 + e⁻²)(1 + e⁻³)), the same for every pixel.
    static let halfGOpt = 0.592 / ((1 + eMinus2) * (1 + eMinus3))

    /// Tε2_m = g(T_m), or g(T_opt)/2 when T_m > T_opt + 10 or T_m < T_opt − 13.
    /// The comparisons are the reference's own Double operations on the same (widened Float)
    /// values, so the choice of branch is identical to `ScalarReference` (and T_opt + 10, T_opt − 13
    /// are exact in Double for every Float T_opt with |T_opt| ≥ 2⁻²⁶ °C).
    @inline(always)
    static func tEpsilon2(_ t: DoubleV, tOpt: DoubleV) -> DoubleV {
        let outside = (t .> tOpt + 10) .| (t .< tOpt - 13)
        return g(t, tOpt: tOpt).replacing(with: halfGOpt, where: outside)
    }

    static let ln5 = 1.6094379124341003

    /// One month's term of the heat index: (T/5)^1.514 = exp(1.514·(ln T − ln 5)) when T > 0, else 0.
    /// `logT` = ln T (computed once per pixel-month and reused by `potentialET`).
    @inline(always)
    static func heatIndexTerm(_ t: DoubleV, logT: DoubleV) -> DoubleV {
        let term = VectorMath.exp(1.514 * (logT - ln5))
        return term.replacing(with: 0, where: .!(t .> 0))
    }

    /// Thornthwaite exponent a(I).
    @inline(always)
    static func thornthwaiteExponent(heatIndex i: DoubleV) -> DoubleV {
        var a = mulAdd(i, 6.75e-7, -7.71e-5)
        a = mulAdd(a, i, DoubleV(repeating: 1.792e-2))
        return mulAdd(a, i, DoubleV(repeating: 0.49239))
    }

    /// Ep_m, mm month⁻¹: 16·(10·T/I)^a = 16·exp(a·(ln T + ln(10/I))) when T > 0 and I > 0, else 0.
    /// `logT` = ln T, `logTenOverI` = ln(10/I) (once per pixel).
    @inline(always)
    static func potentialET(_ t: DoubleV, logT: DoubleV, heatIndex i: DoubleV, logTenOverI: DoubleV,
                            exponent a: DoubleV) -> DoubleV {
        let ep = 16 * VectorMath.exp(a * (logT + logTenOverI))
        return ep.replacing(with: 0, where: .!((t .> 0) .& (i .> 0)))
    }

    /// EET_m, mm month⁻¹ (Zhou & Zhang), when Ep > 0 and P > 0, else 0. With r = Rn/P =
    /// s(0.369 + 0.598 s), s = √(Ep/P), SPEC's P·Rn(P² + Rn² + P·Rn)/((P + Rn)(P² + Rn²)) is exactly
    /// P·q/(1 + q) with q = r + r² + r³: no overflow for large P and no cancellation.
    @inline(always)
    static func estimatedET(potentialET ep: DoubleV, precipitation p: DoubleV) -> DoubleV {
        let s = (ep / p).squareRoot()
        let r = s * mulAdd(s, 0.598, 0.369)
        let q = r * mulAdd(r, r + 1, DoubleV(repeating: 1))
        var eet = p * (q / (1 + q))
        eet = eet.replacing(with: p, where: r .> 1e100)           // q/(1+q) = 1 in Double; q may overflow
        return eet.replacing(with: 0, where: .!((ep .> 0) .& (p .> 0)))
    }

    /// Wε_m = 0.5 + 0.5·min(1, EET/PET), PET = (EET + Ep)/2; 1 when PET = 0.
    @inline(always)
    static func waterStress(estimatedET eet: DoubleV, potentialET ep: DoubleV) -> DoubleV {
        let pet = (eet + ep) * 0.5
        var ratio = eet / pet
        ratio = ratio.replacing(with: 1, where: ratio .> 1)
        let w = mulAdd(ratio, 0.5, 0.5)
        return w.replacing(with: 1, where: pet .== 0)
    }

    /// Rh_m (pei2009), gC m⁻² month⁻¹: scale·(exp(0.0912·T) + ln(0.3145·P + 1)), scale = 0.22·30·0.465.
    @inline(always)
    static func rhPei(_ t: DoubleV, _ p: DoubleV, scale: Double) -> DoubleV {
        scale * (VectorMath.exp(0.0912 * t) + VectorMath.log1p(0.3145 * p))
    }

    /// Rh_m (q10), gC m⁻² month⁻¹: scale·exp(rate·(T − tRef)), scale = rRef·30, rate = ln(q10)/10.
    @inline(always)
    static func rhQ10(_ t: DoubleV, scale: Double, rate: Double, tRef: Double) -> DoubleV {
        scale * VectorMath.exp(rate * (t - tRef))
    }
}
