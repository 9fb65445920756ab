/// Exact partial sums of the finest totals: one `ZoneTotals` per slot of a `SlotLayout`,
/// plus what was left out. Pixels may be added in any order and accumulators merged in
/// any order: the result is the same integers.
public struct ZonalAccumulator: Sendable, Equatable, Codable {
    public let layout: SlotLayout
    public private(set) var slots: [ZoneTotals]
    public var leftOut = LeftOut()

    public init(layout: SlotLayout) {
        self.layout = layout
        slots = [ZoneTotals](repeating: ZoneTotals(), count: layout.count)
    }

    public subscript(slot slot: Int) -> ZoneTotals { slots[slot] }

    public mutating func merge(_ o: ZonalAccumulator) {
        precondition(o.layout == layout, "partials of different layouts")
        for i in slots.indices { slots[i].merge(o.slots[i]) }
        leftOut.merge(o.leftOut)
    }

    /// Adds one tile of `width` × `rows` pixels whose first row is grid row `row0`.
    /// - `classIndex`: −1 where the pixel is not computed (already counted as left out).
    /// - `zone`: finest unit index + 1, 0 outside every polygon.
    /// - `redline`: non-zero inside the red line; nil when the scene has none.
    /// - outputs: NaN where nodata. NPP, Rh and NEP are summed over the pixels where NPP and Rh
    ///   are both valid (`pixelsNEP`); carbon where it is valid. A contribution beyond ±1e18
    ///   (`FixedPoint.isAccountable`) is left out and counted, never summed.
    public mutating func add(width: Int, rows: Int, row0: Int, rowArea: UnsafePointer<Double>,
                             classIndex: UnsafePointer<Int32>, classEcosystem: UnsafePointer<Int32>,
                             zone: UnsafePointer<UInt32>, redline: UnsafePointer<UInt8>?,
                             npp: UnsafePointer<Float>, rh: UnsafePointer<Float>, carbon: UnsafePointer<Float>) {
        var outside: Int64 = 0, missing: Int64 = 0, implausible: Int64 = 0
        let layout = self.layout
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
                    let slot = layout.slot(unit: z - 1, ecosystem: Int(classEcosystem[Int(k)]), inRedline: red)
                    s[slot].pixels += 1
                    s[slot].area += qArea
                    // Fluxes: NPP and Rh quantized per pixel, NEP derived from the two.
                    let n = Double(npp[i]) * area, h = Double(rh[i]) * area
                    if n.isNaN || h.isNaN {
                        missing += 1
                    } else if FixedPoint.isAccountable(n) && FixedPoint.isAccountable(h) {
                        let qn = FixedPoint.quantize(n), qh = FixedPoint.quantize(h)
                        s[slot].pixelsNEP += 1
                        s[slot].npp += qn
                        s[slot].rh += qh
                        s[slot].nep += qn - qh
                    } else {
                        missing += 1
                        implausible += 1
                    }
                    let cs = Double(carbon[i]) * area
                    if FixedPoint.isAccountable(cs) {
                        s[slot].carbon += FixedPoint.quantize(cs)
                    } else if !cs.isNaN {
                        implausible += 1
                    }
                }
            }
        }
        leftOut.outsideZones += outside
        leftOut.nepMissing += missing
        leftOut.implausibleValues += implausible
    }
}
