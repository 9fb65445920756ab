import GDALKit

/// Exact statistics of one band of a raster over every valid pixel at full resolution (the STAC
/// raster extension's `statistics`). Read in strips of rows; nodata and NaN are left out.
public struct BandStatistics: Sendable, Equatable {
    public var minimum, maximum, mean, stddev: Double
    /// Valid pixels, per cent of all.
    public var validPercent: Double
    public var validCount: Int

    /// Of band `band` of `ds`, read in full-width strips top to bottom: the same figures
    /// from any lossless copy of the band (a COG or the run's uncompressed intermediate).
    public static func compute(_ ds: Dataset, band: Int) throws -> BandStatistics {
        let info = try ds.bandInfo(band)
        let w = ds.width, h = ds.height
        let strip = max(1, min(h, (1 << 20) / max(w, 1)))
        var buffer = [Float](repeating: 0, count: w * strip)
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, sumSq = 0.0
        var n = 0
        let nodata = info.nodata.map { Float($0) }
        var row = 0
        while row < h {
            let rows = min(strip, h - row)
            let window = Window(col: 0, row: row, width: w, height: rows)
            try buffer.withUnsafeMutableBufferPointer { buf in
                try ds.readRaw(band: band, window: window, into: buf.baseAddress!)
                for i in 0..<(w * rows) {
                    let v = buf[i]
                    if v.isNaN || v == nodata { continue }
                    let d = Double(v)
                    lo = min(lo, d)
                    hi = max(hi, d)
                    sum += d
                    sumSq += d * d
                    n += 1
                }
            }
            row += rows
        }
        let mean = n > 0 ? sum / Double(n) : 0
        let variance = n > 0 ? max(0, sumSq / Double(n) - mean * mean) : 0
        return BandStatistics(minimum: n > 0 ? lo : 0, maximum: n > 0 ? hi : 0, mean: mean, stddev: variance.squareRoot(),
                              validPercent: w * h > 0 ? 100 * Double(n) / Double(w * h) : 0, validCount: n)
    }
}
