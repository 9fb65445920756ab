
/// The exact partial sums of a scenario (an alternative land cover on the same grid), kept
/// beside the base sums in one pass:
/// - `slots`: the one map under the alternative land cover, where a pixel whose class did not
///   change keeps its base values, and a converted pixel has the table pools of its new class
///   and, for now, no flux (its NPP and Rh are filled in by `Scenario` once the base means of its
///   new class in its unit are known);
/// - `pairs`: per (unit, base class, new class) of the converted pixels, their area and counts
///   on each side of the red line (class −1: no valid land cover).
public struct ScenarioSums: Sendable, Equatable {
    public struct Pair: Sendable, Hashable, Comparable {
        public var unit: Int32, from: Int32, to: Int32
        public static func < (a: Pair, b: Pair) -> Bool { (a.unit, a.from, a.to) < (b.unit, b.from, b.to) }
    }

    public struct PairTotals: Sendable, Equatable {
        /// Σ area parts (m², fixed-point) inside and outside the red line.
        public var areaInside: Int128 = 0, areaOutside: Int128 = 0
        /// Pixel shares counted on each side (the side holding most of the pixel), as the slots'
        /// `pixels` count them; and shares touching each side, as `fluxShares`.
        public var countInside: Int64 = 0, countOutside: Int64 = 0
        public var touchInside: Int64 = 0, touchOutside: Int64 = 0

        mutating func merge(_ o: PairTotals) {
            areaInside += o.areaInside
            areaOutside += o.areaOutside
            countInside += o.countInside
            countOutside += o.countOutside
            touchInside += o.touchInside
            touchOutside += o.touchOutside
        }
        public var area: Int128 { areaInside + areaOutside }
        public var count: Int64 { countInside + countOutside }
    }

    public var slots: [ZoneTotals]
    public var leftOut = LeftOut()
    public var pairs: [Pair: PairTotals] = [:]

    public init(slots: Int) {
        self.slots = [ZoneTotals](repeating: ZoneTotals(), count: slots)
    }

    public mutating func merge(_ o: ScenarioSums) {
        for i in slots.indices { slots[i].merge(o.slots[i]) }
        leftOut.merge(o.leftOut)
        for (k, v) in o.pairs { pairs[k, default: PairTotals()].merge(v) }
    }

    /// One share of a converted pixel.
    @inline(__always)
    mutating func addConverted(unit: Int, from: Int32, to: Int32, area: Double, weight w: UInt32, red: UInt32) {
        let a = PixelAdder.parts(area, weight: w, red: red)
        var t = pairs[Pair(unit: Int32(unit), from: from, to: to)] ?? PairTotals()
        t.areaInside += a.inside
        t.areaOutside += a.outside
        if 2 * UInt64(red) >= UInt64(CoverageWeight.one) { t.countInside += 1 } else { t.countOutside += 1 }
        if red > 0 { t.touchInside += 1 }
        if red < CoverageWeight.one { t.touchOutside += 1 }
        pairs[Pair(unit: Int32(unit), from: from, to: to)] = t
    }
}

extension ScenarioSums: Codable {
    enum CodingKeys: String, CodingKey { case slots, leftOut = "left_out", pairs }
    /// A pair as [unit, from, to, area_inside, area_outside, count_inside, count_outside,
    /// touch_inside, touch_outside], all as text (exact).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        slots = try c.decode([ZoneTotals].self, forKey: .slots)
        leftOut = try c.decode(LeftOut.self, forKey: .leftOut)
        for row in try c.decode([[String]].self, forKey: .pairs) {
            guard row.count == 9, let u = Int32(row[0]), let f = Int32(row[1]), let t = Int32(row[2]),
                  let ai = Int128(row[3]), let ao = Int128(row[4]), let ci = Int64(row[5]), let co = Int64(row[6]),
                  let ti = Int64(row[7]), let to = Int64(row[8]) else {
                throw DecodingError.dataCorruptedError(forKey: .pairs, in: c, debugDescription: "bad pair \(row)")
            }
            pairs[Pair(unit: u, from: f, to: t)] = PairTotals(areaInside: ai, areaOutside: ao, countInside: ci, countOutside: co,
                                                               touchInside: ti, touchOutside: to)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(slots, forKey: .slots)
        try c.encode(leftOut, forKey: .leftOut)
        try c.encode(pairs.keys.sorted().map { k in
            let v = pairs[k]!
            return [String(k.unit), String(k.from), String(k.to), String(v.areaInside), String(v.areaOutside),
                    String(v.countInside), String(v.countOutside), String(v.touchInside), String(v.touchOutside)]
        }, forKey: .pairs)
    }
}
