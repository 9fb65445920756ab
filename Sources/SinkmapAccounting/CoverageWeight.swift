/// The fixed point of a pixel's share of a zone unit or of the red line, as the zone coverage
/// (SinkmapZones) writes it and the accumulators sum it.
public enum CoverageWeight {
    /// The fixed-point unit of a pixel share: 10⁻⁹.
    public static let one: UInt32 = 1_000_000_000
    /// Primary-raster value of a boundary pixel, whose shares are listed apart.
    public static let partialMark = UInt32.max
}
