#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The model of SPEC §3, one formula per function, in Double, written for clarity.
///
/// This is the definition the SIMD kernels (`CarbonKernels`) are tested against; it is
/// not fast (it allocates arrays and calls libm). Month index m = 0..11 here is SPEC's m = 1..12.
public enum ScalarReference {
    // MARK: Constants of SPEC §3

    public static let fparMin = 0.001
    public static let fparMax = 0.95
    /// Weight of FPAR_NDVI against FPAR_SR.
    public static let fparAlpha = 0.5
    /// Share of photosynthetically active radiation in total solar radiation.
    public static let parShare = 0.5

    // MARK: FPAR and APAR

    /// Simple ratio SR(x) = (1 + x)/(1 − x), dimensionless.
    public static func simpleRatio(_ x: Double) -> Double { (1 + x) / (1 - x) }

    /// FPAR_m (dimensionless, 0.001…0.95) from NDVI and the class NDVI bounds.
    public static func fpar(ndvi: Double, ndviMin: Double, ndviMax: Double) -> Double {
        let n = min(max(ndvi, ndviMin), ndviMax)
        let span = fparMax - fparMin
        let fparNDVI = (n - ndviMin) / (ndviMax - ndviMin) * span + fparMin
        let fparSR = (simpleRatio(n) - simpleRatio(ndviMin)) / (simpleRatio(ndviMax) - simpleRatio(ndviMin)) * span + fparMin
        return min(max(fparAlpha * fparNDVI + (1 - fparAlpha) * fparSR, fparMin), fparMax)
    }

    /// APAR_m, MJ m⁻² month⁻¹, from total solar radiation SOL_m (MJ m⁻² month⁻¹).
    public static func apar(solarRadiation: Double, fpar: Double) -> Double { solarRadiation * fpar * parShare }

    // MARK: Temperature stress

    /// T_opt, °C: the temperature of the month with the largest NDVI (the first such month on ties).
    public static func optimumTemperature(ndvi: [Double], temperature: [Double]) -> Double {
        var best = 0
        for m in 1..<ndvi.count where ndvi[m] > ndvi[best] { best = m }
        return temperature[best]
    }

    /// Tε1 of the pixel (dimensionless) from T_opt (°C), before the T_m ≤ −10 rule.
    public static func tEpsilon1(tOpt: Double) -> Double { 0.8 + 0.02 * tOpt - 0.0005 * tOpt * tOpt }

    /// Tε1_m: 0 in a month with T_m ≤ −10 °C, else `tEpsilon1(tOpt:)`.
    public static func tEpsilon1(temperature t: Double, tOpt: Double) -> Double { t <= -10 ? 0 : tEpsilon1(tOpt: tOpt) }

    /// g(T) of SPEC §3 (dimensionless), temperatures in °C.
    public static func g(_ t: Double, tOpt: Double) -> Double {
        1.184 / ((1 + exp(0.2 * (tOpt - 10 - t))) * (1 + exp(0.3 * (-tOpt - 10 + t))))
    }

    /// Tε2_m = g(T_m), except g(T_opt)/2 when T_m > T_opt + 10 or T_m < T_opt − 13.
    public static func tEpsilon2(temperature t: Double, tOpt: Double) -> Double {
        (t > tOpt + 10 || t < tOpt - 13) ? g(tOpt, tOpt: tOpt) / 2 : g(t, tOpt: tOpt)
    }

    // MARK: Water stress

    /// Thornthwaite heat index I = Σ over months with T_m > 0 of (T_m/5)^1.514.
    public static func heatIndex(temperature: [Double]) -> Double {
        var i = 0.0
        for t in temperature where t > 0 { i += pow(t / 5, 1.514) }
        return i
    }

    /// Thornthwaite exponent a(I) = 6.75e−7·I³ − 7.71e−5·I² + 1.792e−2·I + 0.49239.
    public static func thornthwaiteExponent(heatIndex i: Double) -> Double {
        6.75e-7 * i * i * i - 7.71e-5 * i * i + 1.792e-2 * i + 0.49239
    }

    /// Thornthwaite potential evapotranspiration Ep_m, mm month⁻¹: 16·(10·T_m/I)^a when T_m > 0 and I > 0, else 0.
    public static func potentialET(temperature t: Double, heatIndex i: Double, exponent a: Double) -> Double {
        (t > 0 && i > 0) ? 16 * pow(10 * t / i, a) : 0
    }

    /// Zhou & Zhang regional estimated evapotranspiration EET_m, mm month⁻¹, from Ep_m and P_m (mm month⁻¹).
    public static func estimatedET(potentialET ep: Double, precipitation p: Double) -> Double {
        guard ep > 0, p > 0 else { return 0 }
        let rn = (ep * p).squareRoot() * (0.369 + 0.598 * (ep / p).squareRoot())
        return p * rn * (p * p + rn * rn + p * rn) / ((p + rn) * (p * p + rn * rn))
    }

    /// Wε_m (dimensionless, 0.5…1) = 0.5 + 0.5·min(1, EET/PET) with PET = (EET + Ep)/2; 1 when PET = 0.
    public static func waterStress(estimatedET eet: Double, potentialET ep: Double) -> Double {
        let pet = (eet + ep) / 2
        return pet == 0 ? 1 : 0.5 + 0.5 * min(1, eet / pet)
    }

    // MARK: Rh

    /// Rh_m, gC m⁻² month⁻¹, from T_m (°C) and P_m (mm month⁻¹, ≥ 0).
    public static func rhMonth(temperature t: Double, precipitation p: Double, model: RhModel) -> Double {
        switch model {
        case .pei2009: 0.22 * (exp(0.0912 * t) + log(0.3145 * p + 1)) * 30 * 0.465
        case let .q10(rRef, q10, tRef): rRef * 30 * pow(q10, (t - tRef) / 10)
        }
    }

    // MARK: One pixel

    /// Every term of one month of the CASA model (SPEC §3), for inspection and tests.
    public struct CasaMonth: Sendable, Equatable {
        public var fpar: Double, apar: Double, tEpsilon1: Double, tEpsilon2: Double
        /// mm month⁻¹
        public var potentialET: Double, estimatedET: Double
        public var waterStress: Double
        /// gC m⁻² month⁻¹
        public var npp: Double
    }

    /// The 12 CASA months of one valid pixel (no nodata handling: see `pixel`).
    public static func casaMonths(
        _ c: ClassParameters, ndvi: [Double], temperature: [Double], precipitation: [Double], radiation: [Double]
    ) -> [CasaMonth] {
        let tOpt = optimumTemperature(ndvi: ndvi, temperature: temperature)
        let i = heatIndex(temperature: temperature)
        let a = thornthwaiteExponent(heatIndex: i)
        return (0..<12).map { m in
            let f = fpar(ndvi: ndvi[m], ndviMin: c.ndviMin, ndviMax: c.ndviMax)
            let ap = apar(solarRadiation: radiation[m], fpar: f)
            let te1 = tEpsilon1(temperature: temperature[m], tOpt: tOpt)
            let te2 = tEpsilon2(temperature: temperature[m], tOpt: tOpt)
            let ep = potentialET(temperature: temperature[m], heatIndex: i, exponent: a)
            let eet = estimatedET(potentialET: ep, precipitation: precipitation[m])
            let we = waterStress(estimatedET: eet, potentialET: ep)
            return CasaMonth(fpar: f, apar: ap, tEpsilon1: te1, tEpsilon2: te2, potentialET: ep, estimatedET: eet,
                             waterStress: we, npp: ap * te1 * te2 * we * c.epsMax)
        }
    }

    /// Aboveground biomass (Mg ha⁻¹) and total carbon stock (Mg C ha⁻¹) of a pixel of class `c`.
    /// `canopyHeight` in metres; nil or non-finite selects the table pools.
    public static func carbonStock(_ c: ClassParameters, canopyHeight: Double?, carbonFraction cf: Double)
        -> (agb: Double, carbonTotal: Double)
    {
        if let h = canopyHeight, h.isFinite, let a = c.agbA, let b = c.agbB {
            let agb = a * pow(min(max(h, 0), 100), b)
            let cAbove = agb * cf
            let cBelow = cAbove * c.rootShoot
            return (agb, cAbove + cBelow + c.cSoil + c.cDead)
        }
        return (c.cAbove / cf, c.cAbove + c.cBelow + c.cSoil + c.cDead)
    }

    /// Result of one pixel; nil is nodata.
    public struct PixelResult: Sendable, Equatable {
        /// gC m⁻² yr⁻¹
        public var npp: Double?, rh: Double?, nep: Double?
        /// Mg ha⁻¹
        public var agb: Double?
        /// Mg C ha⁻¹
        public var carbonTotal: Double?
    }

    /// One pixel under the nodata rules of SPEC §3:
    /// - `c == nil` (land-cover nodata or code not in the table): everything nil;
    /// - NPP, Rh, NEP nil when any of the 48 monthly values is NaN or any P_m is negative (bad input);
    /// - AGB and carbon need only the class (and canopy height where present and finite).
    /// Monthly arrays have 12 values: NDVI; T °C; P mm month⁻¹; SOL MJ m⁻² month⁻¹.
    public static func pixel(
        _ c: ClassParameters?, options: ModelOptions,
        ndvi: [Double], temperature: [Double], precipitation: [Double], radiation: [Double],
        canopyHeight: Double?
    ) -> PixelResult {
        guard let c else { return PixelResult() }
        let stock = carbonStock(c, canopyHeight: canopyHeight, carbonFraction: options.carbonFraction)
        var result = PixelResult(agb: stock.agb, carbonTotal: stock.carbonTotal)
        let inputs = ndvi + temperature + precipitation + radiation
        guard inputs.allSatisfy({ !$0.isNaN }), precipitation.allSatisfy({ $0 >= 0 }) else { return result }
        let npp = casaMonths(c, ndvi: ndvi, temperature: temperature, precipitation: precipitation, radiation: radiation)
            .reduce(0) { $0 + $1.npp }
        let rh = (0..<12).reduce(0.0) { $0 + rhMonth(temperature: temperature[$1], precipitation: precipitation[$1], model: options.rh) }
        result.npp = npp
        result.rh = rh
        result.nep = npp - rh
        return result
    }
}
