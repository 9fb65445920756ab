/// Pixel-buffer conversions shared by readers.
public enum RasterValues {
    /// In place: NaN where the value equals `nodata` (compared in Float32, as read) or is NaN;
    /// elsewhere `value * scale + offset`.
    @inlinable
    public static func toPhysical(_ p: UnsafeMutablePointer<Float>, count: Int, scale: Float, offset: Float, nodata: Float?) {
        let identity = scale == 1 && offset == 0
        if let nd = nodata, !nd.isNaN {
            for i in 0..<count {
                let v = p[i]
                p[i] = v == nd ? .nan : (identity ? v : v * scale + offset)
            }
        } else if !identity {
            for i in 0..<count { p[i] = p[i] * scale + offset }
        }
    }

    /// In place: NaN replaced by `nodata`.
    @inlinable
    public static func nanToNodata(_ p: UnsafeMutablePointer<Float>, count: Int, nodata: Float) {
        for i in 0..<count where p[i].isNaN { p[i] = nodata }
    }
}
