/// How the clear observations of a pixel in a month become its composite.
public enum CompositeMethod: String, Sendable, Codable, CaseIterable {
    /// The maximum NDVI (Holben 1986).
    case maxNDVI = "max-ndvi"
    /// The median; the mean of the two middle values for an even count.
    case median
}

/// How an acquisition's quality band says a pixel is clear.
public enum QualityType: String, Sendable, Codable {
    /// Landsat Collection 2 QA_PIXEL: clear when bits 0–5 (fill, dilated cloud, cirrus, cloud,
    /// cloud shadow, snow) are all 0.
    case landsatQAPixel = "qa_pixel"
    /// Sentinel-2 L2A scene classification: clear when 4 (vegetation), 5 (not vegetated) or 6 (water).
    case sentinel2SCL = "scl"
}

/// How raw digital numbers become surface reflectance, and which are valid.
public enum ReflectanceScaling: Sendable, Equatable {
    /// Landsat C2 L2: DN × 0.0000275 − 0.2; DN 0 or outside 7273–43636 is invalid.
    case landsatC2
    /// Sentinel-2 L2A: (DN + offset) / 10000; DN 0 (no data) is invalid.
    case sentinel2(offset: Double)

    /// Reflectance of a raw value, nil when invalid (NaN, the nodata 0, out of range).
    @inline(__always)
    public func reflectance(_ dn: Float) -> Double? {
        guard dn.isFinite, dn != 0 else { return nil }
        let v = Double(dn)
        switch self {
        case .landsatC2:
            guard v >= 7273, v <= 43636 else { return nil }
            return v * 0.0000275 - 0.2
        case .sentinel2(let offset):
            return (v + offset) / 10000
        }
    }

    /// Which of eight raw values are valid (the scalar `reflectance`'s tests, in Float: every
    /// raw value is a Float, and these comparisons are exact in it).
    @inline(__always)
    func valid(_ dn: SIMD8<Float>) -> SIMDMask<SIMD8<Int32>> {
        switch self {
        case .landsatC2:
            // Implies finite and non-zero.
            return (dn .>= SIMD8(repeating: 7273)) .& (dn .<= SIMD8(repeating: 43636))
        case .sentinel2:
            return (dn .> SIMD8(repeating: -.infinity)) .& (dn .< SIMD8(repeating: .infinity)) .& (dn .!= SIMD8(repeating: 0))
        }
    }

    /// `reflectance` of four raw values, valid or not (the same operations, so the same bits).
    @inline(__always)
    func reflectance(_ v: SIMD4<Double>) -> SIMD4<Double> {
        switch self {
        case .landsatC2: return v * SIMD4(repeating: 0.0000275) - SIMD4(repeating: 0.2)
        case .sentinel2(let offset): return (v + SIMD4(repeating: offset)) / SIMD4(repeating: 10000)
        }
    }

    public var description: String {
        switch self {
        case .landsatC2: return "DN × 0.0000275 − 0.2 (valid DN 7273–43636)"
        case .sentinel2(let o): return "(DN + \(Int(o))) / 10000 (DN 0 invalid)"
        }
    }
}

/// The per-pixel arithmetic of a composite, over planes of one tile. No allocation.
///
/// Eight pixels a step: masks in `SIMD8<Float>`/`SIMD8<Int32>`, reflectance and NDVI in two
/// `SIMD4<Double>` halves with the same operations as the scalar tail (`observeOne`), so every
/// pixel gets the same bits wherever it lies in the tile (`CompositeMathTests`). Every
/// comparison is vector against vector: the stdlib's vector-against-scalar forms are generic
/// and were compiled lane by lane through the stack (measured: `foldMax` took 7 ns a pixel).
public enum CompositeMath {
    typealias F8 = SIMD8<Float>
    typealias I8 = SIMD8<Int32>
    typealias D4 = SIMD4<Double>

    /// NDVI of one acquisition's tile into `out` (NaN where the pixel is not clear, a band is
    /// invalid or nir + red = 0); returns the number of clear, valid pixels.
    public static func observe(red: UnsafePointer<Float>, nir: UnsafePointer<Float>, qa: UnsafePointer<Float>, count n: Int,
                               qaType: QualityType, redScaling: ReflectanceScaling, nirScaling: ReflectanceScaling,
                               into out: UnsafeMutablePointer<Float>) -> Int {
        var seenLanes = I8()
        var i = 0
        while i + 8 <= n {
            if let o = ndvi8(red, nir, qa, at: i, qaType, redScaling, nirScaling) {
                store(o, out + i)
                seenLanes &+= ones(where: o .== o)
            } else {
                for k in i..<(i + 8) {
                    out[k] = observeOne(red: red[k], nir: nir[k], qa: qa[k], qaType: qaType, redScaling: redScaling, nirScaling: nirScaling)
                    if !out[k].isNaN { seenLanes[0] &+= 1 }
                }
            }
            i += 8
        }
        var clearCount = Int(seenLanes.wrappedSum())
        while i < n {
            out[i] = observeOne(red: red[i], nir: nir[i], qa: qa[i], qaType: qaType, redScaling: redScaling, nirScaling: nirScaling)
            if !out[i].isNaN { clearCount += 1 }
            i += 1
        }
        return clearCount
    }

    /// Starts a month's running maximum: `max` at −∞, `clear` at 0.
    public static func startMax(count n: Int, max: UnsafeMutablePointer<Float>, clear: UnsafeMutablePointer<UInt32>) {
        max.update(repeating: -.infinity, count: n)
        clear.update(repeating: 0, count: n)
    }

    /// `observe` folded straight into a running maximum and count (started by `startMax`,
    /// ended by `finishMax`): the maximum of `observe`'s non-NaN values. Returns the number of clear, valid pixels.
    public static func observeMax(red: UnsafePointer<Float>, nir: UnsafePointer<Float>, qa: UnsafePointer<Float>, count n: Int,
                                  qaType: QualityType, redScaling: ReflectanceScaling, nirScaling: ReflectanceScaling,
                                  max: UnsafeMutablePointer<Float>, clear: UnsafeMutablePointer<UInt32>) -> Int {
        var seenLanes = I8()
        var i = 0
        while i + 8 <= n {
            var o: F8
            if let v = ndvi8(red, nir, qa, at: i, qaType, redScaling, nirScaling) {
                o = v
            } else {
                o = F8()
                for k in 0..<8 {
                    o[k] = observeOne(red: red[i + k], nir: nir[i + k], qa: qa[i + k], qaType: qaType,
                                      redScaling: redScaling, nirScaling: nirScaling)
                }
            }
            let seen = ones(where: o .== o)
            fold(o, seen, max + i, clear + i)
            seenLanes &+= seen
            i += 8
        }
        var clearCount = Int(seenLanes.wrappedSum())
        while i < n {
            let o = observeOne(red: red[i], nir: nir[i], qa: qa[i], qaType: qaType, redScaling: redScaling, nirScaling: nirScaling)
            if !o.isNaN {
                if o > max[i] { max[i] = o }
                clear[i] += 1
                clearCount += 1
            }
            i += 1
        }
        return clearCount
    }

    /// Ends a running maximum: NaN where no observation was clear (the −∞ start).
    public static func finishMax(count n: Int, max: UnsafeMutablePointer<Float>, clear: UnsafePointer<UInt32>) {
        for i in 0..<n where clear[i] == 0 { max[i] = .nan }
    }

    /// One pixel of `observe`: its NDVI, or NaN.
    @inline(__always)
    public static func observeOne(red: Float, nir: Float, qa: Float, qaType: QualityType,
                                  redScaling: ReflectanceScaling, nirScaling: ReflectanceScaling) -> Float {
        guard isClear(qa, qaType), let r = redScaling.reflectance(red), let v = nirScaling.reflectance(nir) else { return .nan }
        let sum = v + r
        guard sum != 0 else { return .nan }
        return Float((v - r) / sum)
    }

    /// Whether a quality value marks a clear pixel (NaN, a QA band's nodata, is not clear; nor is
    /// a value outside 0 ..< 2³¹, which no quality band holds). A fractional value counts by
    /// its integer part.
    @inline(__always)
    public static func isClear(_ q: Float, _ type: QualityType) -> Bool {
        guard q >= 0, q < 2_147_483_648 else { return false }
        let code = Int(q)
        switch type {
        case .landsatQAPixel: return code & 0x3F == 0
        case .sentinel2SCL: return code == 4 || code == 5 || code == 6
        }
    }

    /// The NDVI of eight pixels from `at` (NaN where `observeOne` gives NaN), or nil when a
    /// quality value lies in 2²³ ..< 2³¹, where the integer part is not taken here (the caller
    /// goes pixel by pixel; no real quality band has such codes).
    @inline(__always)
    static func ndvi8(_ red: UnsafePointer<Float>, _ nir: UnsafePointer<Float>, _ qa: UnsafePointer<Float>, at i: Int,
                      _ qaType: QualityType, _ redScaling: ReflectanceScaling, _ nirScaling: ReflectanceScaling) -> F8? {
        let q = load(qa + i)
        guard let clear = isClear(q, qaType) else { return nil }
        let rd = load(red + i), nd = load(nir + i)
        let ok = clear .& redScaling.valid(rd) .& nirScaling.valid(nd)
        let lo = ndvi4(redScaling.reflectance(widen(rd.lowHalf)), nirScaling.reflectance(widen(nd.lowHalf)))
        let hi = ndvi4(redScaling.reflectance(widen(rd.highHalf)), nirScaling.reflectance(widen(nd.highHalf)))
        return F8(lowHalf: narrow(lo), highHalf: narrow(hi)).replacing(with: F8(repeating: .nan), where: .!ok)
    }

    /// (v − r) / (v + r), NaN where v + r = 0.
    @inline(__always)
    static func ndvi4(_ r: D4, _ v: D4) -> D4 {
        let sum = v + r
        return ((v - r) / sum).replacing(with: D4(repeating: .nan), where: sum .== D4())
    }

    /// `isClear` of eight quality values, or nil when one lies in 2²³ ..< 2³¹. The integer
    /// part of a value in 0 ..< 2²³ is taken exactly with the 2²³ rounding constant.
    @inline(__always)
    static func isClear(_ q: F8, _ type: QualityType) -> SIMDMask<I8>? {
        let big = F8(repeating: 8_388_608)
        let inRange = (q .>= F8()) .& (q .< big)
        if any((q .>= big) .& (q .< F8(repeating: 2_147_483_648))) { return nil }
        let x = q.replacing(with: F8(), where: .!inRange)
        var t = (x + big) - big  // x rounded to nearest
        t = t.replacing(with: t - F8(repeating: 1), where: t .> x)  // floor = integer part (x ≥ 0)
        let code = unsafeBitCast(t + big, to: I8.self) & I8(repeating: 0x7F_FFFF)
        switch type {
        case .landsatQAPixel:
            return inRange .& ((code & I8(repeating: 0x3F)) .== I8())
        case .sentinel2SCL:
            return inRange .& ((code .== I8(repeating: 4)) .| (code .== I8(repeating: 5)) .| (code .== I8(repeating: 6)))
        }
    }

    @inline(__always)
    static func fold(_ o: F8, _ seen: I8, _ max: UnsafeMutablePointer<Float>, _ clear: UnsafeMutablePointer<UInt32>) {
        let m = load(max)
        store(m.replacing(with: o, where: o .> m), max)
        let c = UnsafeRawPointer(clear).loadUnaligned(as: I8.self)
        UnsafeMutableRawPointer(clear).storeBytes(of: c &+ seen, as: I8.self)
    }

    /// 1 in the lanes of `mask`, 0 elsewhere.
    @inline(__always) static func ones(where mask: SIMDMask<I8>) -> I8 { I8() &- unsafeBitCast(mask, to: I8.self) }
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> F8 { UnsafeRawPointer(p).loadUnaligned(as: F8.self) }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> F8 { UnsafeRawPointer(p).loadUnaligned(as: F8.self) }
    @inline(__always) static func store(_ v: F8, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: F8.self) }
    @inline(__always) static func widen(_ v: SIMD4<Float>) -> D4 { D4(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3])) }
    @inline(__always) static func narrow(_ v: D4) -> SIMD4<Float> { SIMD4(Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3])) }

    /// The median of each pixel over `planes` observation planes (stored consecutively),
    /// NaN ignored; `scratch` holds at least `planes` values. Writes the counts too.
    public static func median(_ obs: UnsafePointer<Float>, planes: Int, count n: Int, scratch: UnsafeMutablePointer<Float>,
                       into out: UnsafeMutablePointer<Float>, clear: UnsafeMutablePointer<UInt32>) {
        for i in 0..<n {
            var k = 0
            for p in 0..<planes {
                let v = obs[p * n + i]
                guard !v.isNaN else { continue }
                // Insertion into the sorted prefix (a handful of values per month).
                var j = k
                while j > 0 && scratch[j - 1] > v { scratch[j] = scratch[j - 1]; j -= 1 }
                scratch[j] = v
                k += 1
            }
            clear[i] = UInt32(k)
            if k == 0 { out[i] = .nan; continue }
            out[i] = k % 2 == 1 ? scratch[k / 2] : Float((Double(scratch[k / 2 - 1]) + Double(scratch[k / 2])) / 2)
        }
    }

    /// Fills the months of each pixel without a value by linear interpolation in time between
    /// the nearest earlier and later months with one (month index as time; with only one side,
    /// that side's value). `months` holds 12 planes of `n`; a pixel with no value all year stays
    /// NaN. Counts filled pixels per month into `filled`.
    public static func fill(_ months: UnsafeMutablePointer<Float>, count n: Int, filled: UnsafeMutablePointer<Int>) {
        for i in 0..<n {
            var prev = -1
            var m = 0
            while m < 12 {
                if !months[m * n + i].isNaN { prev = m; m += 1; continue }
                var next = m + 1
                while next < 12 && months[next * n + i].isNaN { next += 1 }
                if prev < 0 && next == 12 { break }  // nothing all year
                for g in m..<next {
                    let value: Float
                    if prev < 0 { value = months[next * n + i] }
                    else if next == 12 { value = months[prev * n + i] }
                    else {
                        let a = Double(months[prev * n + i]), b = Double(months[next * n + i])
                        value = Float(a + (b - a) * Double(g - prev) / Double(next - prev))
                    }
                    months[g * n + i] = value
                    filled[g] += 1
                }
                m = next
            }
        }
    }
}
