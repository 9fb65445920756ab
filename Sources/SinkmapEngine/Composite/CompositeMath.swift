/// How the clear observations of a pixel in a month become its composite.
public enum CompositeMethod: String, Sendable, Codable, CaseIterable {
    /// The maximum NDVI (Holben 1986).
    case maxNDVI = "max-ndvi"
    /// The median; the mean of the two middle values for an even count.
    case median
}

/// The per-pixel arithmetic of a composite, over planes of one tile. No allocation.
enum CompositeMath {
    /// NDVI of one acquisition's tile into `out` (NaN where the pixel is not clear, a band is
    /// invalid or nir + red = 0); returns the number of clear, valid pixels. Four pixels a step
    /// in `SIMD4<Double>`, the same operations as the scalar tail (`observeOne`), so every pixel
    /// gets the same bits wherever it lies.
    static func observe(red: UnsafePointer<Float>, nir: UnsafePointer<Float>, qa: UnsafePointer<Float>, count n: Int,
                        qaType: QualityType, redScaling: ReflectanceScaling, nirScaling: ReflectanceScaling,
                        into out: UnsafeMutablePointer<Float>) -> Int {
        typealias D4 = SIMD4<Double>
        var counted = SIMD4<Int64>()
        var i = 0
        while i + 4 <= n {
            let q = D4(UnsafeRawPointer(qa + i).loadUnaligned(as: SIMD4<Float>.self))
            let (r, redOK) = redScaling.reflectance(D4(UnsafeRawPointer(red + i).loadUnaligned(as: SIMD4<Float>.self)))
            let (v, nirOK) = nirScaling.reflectance(D4(UnsafeRawPointer(nir + i).loadUnaligned(as: SIMD4<Float>.self)))
            let sum = v + r
            let ok = isClear(q, qaType) .& redOK .& nirOK .& (sum .!= 0)
            let ndvi = ((v - r) / sum).replacing(with: .nan, where: .!ok)
            UnsafeMutableRawPointer(out + i).storeBytes(of: SIMD4<Float>(ndvi), as: SIMD4<Float>.self)
            counted &+= SIMD4<Int64>(repeating: 0).replacing(with: 1, where: ok)
            i += 4
        }
        var clearCount = Int(counted.wrappedSum())
        while i < n {
            out[i] = observeOne(red: red[i], nir: nir[i], qa: qa[i], qaType: qaType, redScaling: redScaling, nirScaling: nirScaling)
            if !out[i].isNaN { clearCount += 1 }
            i += 1
        }
        return clearCount
    }

    /// One pixel of `observe`: its NDVI, or NaN.
    @inline(__always)
    static func observeOne(red: Float, nir: Float, qa: Float, qaType: QualityType,
                           redScaling: ReflectanceScaling, nirScaling: ReflectanceScaling) -> Float {
        guard isClear(qa, qaType), let r = redScaling.reflectance(red), let v = nirScaling.reflectance(nir) else { return .nan }
        let sum = v + r
        guard sum != 0 else { return .nan }
        return Float((v - r) / sum)
    }

    /// Whether a quality value marks a clear pixel (NaN, a QA band's nodata, is not clear; nor is
    /// a value outside 0 ..< 2³¹, which no quality band holds).
    @inline(__always)
    static func isClear(_ q: Float, _ type: QualityType) -> Bool {
        guard q >= 0, q < 2_147_483_648 else { return false }
        let code = Int(q)
        switch type {
        case .landsatQAPixel: return code & 0x3F == 0
        case .sentinel2SCL: return code == 4 || code == 5 || code == 6
        }
    }

    /// `isClear` for four quality values.
    @inline(__always)
    static func isClear(_ q: SIMD4<Double>, _ type: QualityType) -> SIMDMask<SIMD4<Int64>> {
        let inRange = (q .>= 0) .& (q .< 2_147_483_648)
        // Lane by lane: the generic SIMD conversion from floating point is not specialized.
        var code = SIMD4<Int64>()
        for k in 0..<4 where inRange[k] { code[k] = Int64(q[k]) }
        switch type {
        case .landsatQAPixel: return inRange .& ((code & 0x3F) .== 0)
        case .sentinel2SCL: return inRange .& ((code .== 4) .| (code .== 5) .| (code .== 6))
        }
    }

    /// Folds one observation plane into a running maximum and count.
    static func foldMax(_ obs: UnsafePointer<Float>, count n: Int, max: UnsafeMutablePointer<Float>, clear: UnsafeMutablePointer<UInt32>) {
        var i = 0
        while i + 8 <= n {
            let o = UnsafeRawPointer(obs + i).loadUnaligned(as: SIMD8<Float>.self)
            let m = UnsafeRawPointer(max + i).loadUnaligned(as: SIMD8<Float>.self)
            let c = UnsafeRawPointer(clear + i).loadUnaligned(as: SIMD8<UInt32>.self)
            let seen = o .== o
            let first = c .== 0
            let take = seen .& (first .| (o .> m))
            UnsafeMutableRawPointer(max + i).storeBytes(of: m.replacing(with: o, where: take), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(clear + i).storeBytes(of: c &+ SIMD8<UInt32>(repeating: 0).replacing(with: 1, where: seen),
                                                          as: SIMD8<UInt32>.self)
            i += 8
        }
        while i < n {
            if !obs[i].isNaN {
                if clear[i] == 0 || obs[i] > max[i] { max[i] = obs[i] }
                clear[i] += 1
            }
            i += 1
        }
    }

    /// The median of each pixel over `planes` observation planes (stored consecutively),
    /// NaN ignored; `scratch` holds at least `planes` values. Writes the counts too.
    static func median(_ obs: UnsafePointer<Float>, planes: Int, count n: Int, scratch: UnsafeMutablePointer<Float>,
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
    static func fill(_ months: UnsafeMutablePointer<Float>, count n: Int, filled: UnsafeMutablePointer<Int>) {
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
