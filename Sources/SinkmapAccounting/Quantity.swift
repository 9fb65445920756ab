/// Every accounted quantity with its units: what a fixed-point sum counts and how it
/// becomes the figure a table shows. The one place unit conversions are written.
///
/// Sums are integers of micro-units (`FixedPoint.scale`) of the per-pixel contribution
/// value × pixel area (m²):
/// - area: m² → ha is 10⁻⁴;
/// - NPP, Rh, NEP: gC/m²·yr × m² = gC → tC is 10⁻⁶;
/// - carbon stock: Mg C/ha × m² → Mg C (tC) is 10⁻⁴ (1 ha = 10⁴ m²).
public enum Quantity: String, Sendable, CaseIterable, Codable {
    case area, npp, rh, nep, carbon

    /// CO₂ per carbon by mass, 44/12.
    public static let co2PerCarbon = 44.0 / 12.0

    /// Decimal exponent from the contribution's unit to the table's (ha or tC).
    var unitExponent: Int {
        switch self {
        case .area, .carbon: return 4
        case .npp, .rh, .nep: return 6
        }
    }

    /// Decimal places of a fixed-point sum expressed in the table's unit: the micro-units
    /// (`FixedPoint.decimals`) plus the unit conversion.
    public var decimals: Int { FixedPoint.decimals + unitExponent }

    /// The table unit per fixed-point count, 10^-decimals (parsed: the correctly rounded Double).
    public var perCount: Double { Double("1e-\(decimals)")! }

    /// A sum in the table's unit (ha or tC), one rounding.
    public func value(_ sum: Int128) -> Double { Double(sum) * perCount }

    /// The exact decimal text of a sum in the table's unit.
    public func text(_ sum: Int128) -> String { FixedPoint.decimalText(sum, decimals: decimals) }

    /// tC → tCO₂e.
    public static func co2e(_ tonnesCarbon: Double) -> Double { tonnesCarbon * co2PerCarbon }
}
