/// Exact, order-independent sums of floating-point contributions.
///
/// Each contribution is rounded once to a whole number of micro-units (10⁻⁶; a
/// function of the pixel alone) and added as an integer into an `Int128`. Integer
/// addition is associative and commutative, so a total does not depend on how pixels
/// are split into tiles or threads, nor on the order partials are merged: results are
/// bit-for-bit identical for every `--threads` and `--tile-size`, and a total is the
/// exact sum of its parts. Because the unit is decimal, totals print as exact decimals.
public enum FixedPoint {
    /// Decimal places of the fixed-point unit (micro-units).
    public static let decimals = 6
    /// Micro-units per unit, 10^decimals.
    public static let scale: Double = Double("1e\(decimals)")!

    /// The contribution `x` as an integer count of micro-units (round half away from zero).
    @inline(__always)
    public static func quantize(_ x: Double) -> Int128 {
        let s = (x * scale).rounded()
        if abs(s) < 9.0e18 { return Int128(Int64(s)) }
        return Int128(s)
    }

    /// Largest contribution accepted (1e18: 10¹² tC from one pixel is no real value). With
    /// it no quantized contribution exceeds 1e24 and no sum of up to 10¹⁴ of them can
    /// overflow Int128 (1.7e38); larger or non-finite values are left out and counted.
    public static let maxContribution: Double = 1e18

    @inline(__always)
    public static func isAccountable(_ x: Double) -> Bool { abs(x) <= maxContribution }

    /// Back to a Double (one rounding).
    @inline(__always)
    public static func value(_ q: Int128) -> Double { Double(q) / scale }

    /// The exact decimal text of q · 10^-`decimals` (trailing zeros of the fraction removed).
    public static func decimalText(_ q: Int128, decimals: Int) -> String {
        let negative = q < 0
        let magnitude = negative ? UInt128(-q) : UInt128(q)
        var digits = String(magnitude)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        var whole = String(digits[..<split])
        var fraction = String(digits[split...])
        while fraction.last == "0" { fraction.removeLast() }
        if whole.isEmpty { whole = "0" }
        let text = fraction.isEmpty ? whole : whole + "." + fraction
        return negative && magnitude != 0 ? "-" + text : text
    }
}
