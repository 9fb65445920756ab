/// Small band arithmetic on tile planes.
enum Bands {
    /// In place on `nir`: (nir − red) / (nir + red), NaN where nir + red = 0 or either is NaN.
    static func normalizedDifference(nir: UnsafeMutablePointer<Float>, red: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let s = nir[i] + red[i]
            nir[i] = s == 0 ? .nan : (nir[i] - red[i]) / s
        }
    }

    /// In place: a − b.
    static func subtract(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { a[i] -= b[i] }
    }

    /// Largest magnitude of a valid input value; beyond it (and for ±inf) a value is an
    /// undeclared fill (e.g. ±3.4e38) and read as nodata.
    static let maxInputMagnitude: Float = 1e30

    /// In place: non-finite or implausibly large values become NaN; returns how many did.
    /// Eight values at a time: a chunk with none is passed over after one vector test.
    static func invalidToNaN(_ p: UnsafeMutablePointer<Float>, count: Int) -> Int64 {
        var n: Int64 = 0
        @inline(__always) func scalar(_ i: Int) {
            let v = p[i]
            if !v.isNaN && !(abs(v) <= maxInputMagnitude) { p[i] = .nan; n += 1 }
        }
        let limit = SIMD8<Float>(repeating: maxInputMagnitude)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            // |v| > limit, ±∞ included; false for NaN, as in the scalar test.
            if any((v .> limit) .| (v .< -limit)) { for j in i..<(i + 8) { scalar(j) } }
            i += 8
        }
        while i < count { scalar(i); i += 1 }
        return n
    }

    /// The first valid value outside [lo, hi], if any (eight values at a time).
    static func firstOutside(_ p: UnsafePointer<Float>, count: Int, _ lo: Float, _ hi: Float) -> Float? {
        let low = SIMD8<Float>(repeating: lo), high = SIMD8<Float>(repeating: hi)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            if any((v .< low) .| (v .> high)) { break }
            i += 8
        }
        for j in i..<count where p[j] < lo || p[j] > hi { return p[j] }
        return nil
    }

    /// 2²³: every Float of at least this magnitude is a whole number, and below it
    /// (a + 2²³) − 2²³ rounds a ≥ 0 to a whole number (no libm `round`, vectorizable).
    static let wholeFrom: Float = 8_388_608

    /// The first valid value that is not a whole number, if any (eight values at a time).
    static func firstFractional(_ p: UnsafePointer<Float>, count: Int) -> Float? {
        let big = SIMD8<Float>(repeating: wholeFrom)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            let a = v.replacing(with: -v, where: v .< 0)
            // Whole (or NaN, which the comparisons leave out): a ≥ 2²³ or rounding a changes nothing.
            let fractional = (a .< big) .& (((a + big) - big) .!= a)
            if any(fractional) { break }
            i += 8
        }
        for j in i..<count where !p[j].isNaN && p[j] != p[j].rounded() { return p[j] }
        return nil
    }

    /// Computed pixels whose NEP is nodata, by cause: a negative precipitation in any month
    /// (bad input), else a monthly input that is nodata.
    static func countMissing(nep: UnsafePointer<Float>, precipitation p: UnsafePointer<Float>, count: Int, months: Int,
                             classIndex: UnsafePointer<Int32>) -> (negative: Int64, nodata: Int64) {
        var negative: Int64 = 0, nodata: Int64 = 0
        for i in 0..<count where classIndex[i] >= 0 && nep[i].isNaN {
            var isNegative = false
            for m in 0..<months where p[m * count + i] < 0 {
                isNegative = true
                break
            }
            if isNegative { negative += 1 } else { nodata += 1 }
        }
        return (negative, nodata)
    }
}
