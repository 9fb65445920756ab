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
    static func invalidToNaN(_ p: UnsafeMutablePointer<Float>, count: Int) -> Int64 {
        var n: Int64 = 0
        for i in 0..<count {
            let v = p[i]
            if !v.isNaN && !(abs(v) <= maxInputMagnitude) { p[i] = .nan; n += 1 }
        }
        return n
    }

    /// The first valid value outside [lo, hi], if any.
    static func firstOutside(_ p: UnsafePointer<Float>, count: Int, _ lo: Float, _ hi: Float) -> Float? {
        for i in 0..<count where p[i] < lo || p[i] > hi { return p[i] }
        return nil
    }

    /// The first valid value that is not a whole number, if any.
    static func firstFractional(_ p: UnsafePointer<Float>, count: Int) -> Float? {
        for i in 0..<count where !p[i].isNaN && p[i] != p[i].rounded() { return p[i] }
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
