import SinkmapKernels

/// Mergeable totals of one (unit, ecosystem, red line) key. All sums are exact
/// fixed-point integers (see `FixedPoint`), so merging is order-independent.
public struct ZoneTotals: Sendable, Equatable {
    /// Accounted pixels (valid land cover with a code in the table).
    public var pixels: Int64 = 0
    /// Σ pixel area, m², fixed-point.
    public var area: Int128 = 0
    /// Σ NPP · area (gC/yr), over pixels where NPP is valid; likewise Rh, NEP.
    public var npp: Int128 = 0
    public var rh: Int128 = 0
    public var nep: Int128 = 0
    /// Σ C_total · area (Mg C/ha · m²).
    public var carbon: Int128 = 0

    public init() {}

    public mutating func merge(_ o: ZoneTotals) {
        pixels += o.pixels
        area += o.area
        npp += o.npp
        rh += o.rh
        nep += o.nep
        carbon += o.carbon
    }

    public var isEmpty: Bool { pixels == 0 }
}

/// Why pixels were left out of the totals, counted over the whole grid.
public struct LeftOut: Sendable, Equatable {
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
}

/// Per-worker accumulation of the finest-unit partials: one `ZoneTotals` per
/// (finest unit, ecosystem, inside/outside red line). Workers accumulate tiles in any
/// order and merge at the end; the result is the same whatever the order.
public struct ZonalAccumulator: Sendable {
    public static let ecosystems = Ecosystem.allCases.count
    public let unitCount: Int
    public var slots: [ZoneTotals]
    public var leftOut = LeftOut()

    public init(unitCount: Int) {
        self.unitCount = unitCount
        slots = [ZoneTotals](repeating: ZoneTotals(), count: unitCount * ZonalAccumulator.ecosystems * 2)
    }

    @inline(__always)
    public static func slot(unit: Int, ecosystem: Int, inRedline: Bool) -> Int {
        (unit * ecosystems + ecosystem) * 2 + (inRedline ? 1 : 0)
    }

    public mutating func merge(_ o: ZonalAccumulator) {
        precondition(o.unitCount == unitCount)
        for i in slots.indices { slots[i].merge(o.slots[i]) }
        leftOut.merge(o.leftOut)
    }

    /// Adds one tile of `width` × `rows` pixels whose first row is grid row `row0`.
    /// - `classIndex`: −1 where the pixel is not computed (already counted as left out).
    /// - `zone`: finest unit index + 1, 0 outside every polygon.
    /// - `redline`: non-zero inside the red line; nil when the scene has none.
    /// - outputs: NaN where nodata; each sum skips its own nodata.
    public mutating func add(width: Int, rows: Int, row0: Int, rowArea: UnsafePointer<Double>,
                             classIndex: UnsafePointer<Int32>, classEcosystem: UnsafePointer<Int32>,
                             zone: UnsafePointer<UInt32>, redline: UnsafePointer<UInt8>?,
                             npp: UnsafePointer<Float>, rh: UnsafePointer<Float>, nep: UnsafePointer<Float>,
                             carbon: UnsafePointer<Float>) {
        var outside: Int64 = 0, missing: Int64 = 0
        slots.withUnsafeMutableBufferPointer { s in
            for r in 0..<rows {
                let area = rowArea[row0 + r]
                let qArea = FixedPoint.quantize(area)
                let base = r * width
                for c in 0..<width {
                    let i = base + c
                    let k = classIndex[i]
                    if k < 0 { continue }
                    let z = Int(zone[i])
                    if z == 0 { outside += 1; continue }
                    let red = redline.map { $0[i] != 0 } ?? false
                    let slot = ZonalAccumulator.slot(unit: z - 1, ecosystem: Int(classEcosystem[Int(k)]), inRedline: red)
                    s[slot].pixels += 1
                    s[slot].area += qArea
                    let n = npp[i]
                    if !n.isNaN {
                        s[slot].npp += FixedPoint.quantize(Double(n) * area)
                    } else {
                        missing += 1
                    }
                    let h = rh[i]
                    if !h.isNaN { s[slot].rh += FixedPoint.quantize(Double(h) * area) }
                    let e = nep[i]
                    if !e.isNaN { s[slot].nep += FixedPoint.quantize(Double(e) * area) }
                    let cs = carbon[i]
                    if !cs.isNaN { s[slot].carbon += FixedPoint.quantize(Double(cs) * area) }
                }
            }
        }
        leftOut.outsideZones += outside
        leftOut.monthlyInputNodata += missing
    }
}
