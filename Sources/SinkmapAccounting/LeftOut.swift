/// Why pixels were left out of the totals, counted over the tiles computed.
public struct LeftOut: Sendable, Equatable, Codable {
    /// Land cover is nodata.
    public var landcoverNodata: Int64 = 0
    /// Land-cover code absent from the parameter table: code → pixel count.
    public var unknownCodes: [Int: Int64] = [:]
    /// Computed pixels whose centre lies in no zone polygon.
    public var outsideZones: Int64 = 0
    /// Accounted pixels (in a zone) whose NPP/Rh/NEP are nodata.
    public var nepMissing: Int64 = 0
    /// By cause, over every computed pixel (in a zone or not): a negative precipitation
    /// (bad input), or a monthly input that is nodata.
    public var negativePrecipitation: Int64 = 0
    public var monthlyInputNodata: Int64 = 0
    /// Accounted pixels of a class with lidar allometry where the canopy height is missing
    /// (carbon from the table's pools instead).
    public var canopyMissing: Int64 = 0
    /// Input values read as nodata because they are not finite or beyond ±1e30 (undeclared
    /// fill values such as ±3.4e38), counted per value.
    public var invalidInputValues: Int64 = 0
    /// Pixel contributions beyond ±1e18 (gC, m² or Mg C/ha·m²), left out as implausible.
    public var implausibleValues: Int64 = 0


    public init() {}

    public mutating func merge(_ o: LeftOut) {
        landcoverNodata += o.landcoverNodata
        for (k, v) in o.unknownCodes { unknownCodes[k, default: 0] += v }
        outsideZones += o.outsideZones
        nepMissing += o.nepMissing
        negativePrecipitation += o.negativePrecipitation
        monthlyInputNodata += o.monthlyInputNodata
        canopyMissing += o.canopyMissing
        invalidInputValues += o.invalidInputValues
        implausibleValues += o.implausibleValues
    }

    /// Pixels of all unknown codes.
    public var unknownCodePixels: Int64 { unknownCodes.values.reduce(0, +) }
}
