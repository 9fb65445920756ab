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

    /// Computed pixels with a negative precipitation in any month (bad input, left as nodata).
    static func countNegative(_ p: UnsafePointer<Float>, count: Int, months: Int, classIndex: UnsafePointer<Int32>) -> Int64 {
        var n: Int64 = 0
        for i in 0..<count where classIndex[i] >= 0 {
            for m in 0..<months where p[m * count + i] < 0 {
                n += 1
                break
            }
        }
        return n
    }
}
