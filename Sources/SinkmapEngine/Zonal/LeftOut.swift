/// Why pixels were left out of the totals, counted over the tiles computed.
public struct LeftOut: Sendable, Equatable, Codable {
    /// Land cover is nodata.
    public var landcoverNodata: Int64 = 0
    /// Land-cover code absent from the parameter table: code → pixel count.
    public var unknownCodes: [Int: Int64] = [:]
    /// Computed pixels whose centre lies in no zone polygon.
    public var outsideZones: Int64 = 0
    /// Accounted pixels where NPP/Rh/NEP are nodata because a monthly input is nodata.
    public var monthlyInputNodata: Int64 = 0
    /// Of those, pixels with a negative precipitation (bad input).
    public var negativePrecipitation: Int64 = 0

    public init() {}

    public mutating func merge(_ o: LeftOut) {
        landcoverNodata += o.landcoverNodata
        for (k, v) in o.unknownCodes { unknownCodes[k, default: 0] += v }
        outsideZones += o.outsideZones
        monthlyInputNodata += o.monthlyInputNodata
        negativePrecipitation += o.negativePrecipitation
    }

    /// Pixels of all unknown codes.
    public var unknownCodePixels: Int64 { unknownCodes.values.reduce(0, +) }
}
