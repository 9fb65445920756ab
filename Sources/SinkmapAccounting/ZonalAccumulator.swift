
/// Exact partial sums of the finest totals: one `ZoneTotals` per slot of a `SlotLayout`,
/// plus what was left out. Pixels may be added in any order and accumulators merged in
/// any order: the result is the same integers.
public struct ZonalAccumulator: Sendable, Equatable, Codable {
    public let layout: SlotLayout
    public private(set) var slots: [ZoneTotals]
    public var leftOut = LeftOut()
    /// Per (unit, class) sums, when uncertainty is asked for (`classes` > 0).
    public private(set) var classSums: ClassSums?
    /// The scenario's sums, when the scene has one.
    public var scenario: ScenarioSums?

    public init(layout: SlotLayout, classes: Int = 0, scenario: Bool = false) {
        self.layout = layout
        slots = [ZoneTotals](repeating: ZoneTotals(), count: layout.count)
        if classes > 0 { classSums = ClassSums(units: layout.units, classes: classes) }
        if scenario { self.scenario = ScenarioSums(slots: layout.count) }
    }

    /// Sums already made (a scenario's, completed).
    init(layout: SlotLayout, slots: [ZoneTotals], leftOut: LeftOut) {
        precondition(slots.count == layout.count)
        self.layout = layout
        self.slots = slots
        self.leftOut = leftOut
    }

    public subscript(slot slot: Int) -> ZoneTotals { slots[slot] }

    public mutating func merge(_ o: ZonalAccumulator) {
        precondition(o.layout == layout, "partials of different layouts")
        for i in slots.indices { slots[i].merge(o.slots[i]) }
        leftOut.merge(o.leftOut)
        precondition((classSums == nil) == (o.classSums == nil), "partials with and without class sums")
        if let c = o.classSums { classSums!.merge(c) }
        precondition((scenario == nil) == (o.scenario == nil), "partials with and without a scenario")
        if let sc = o.scenario { scenario!.merge(sc) }
    }

    /// A boundary pixel's share of a unit: tile pixel index, unit index, weight (of `CoverageWeight.one`).
    public struct Share: Sendable {
        public var pixel: Int32
        public var unit: UInt32
        public var weight: UInt32
        public init(pixel: Int32, unit: UInt32, weight: UInt32) {
            self.pixel = pixel
            self.unit = unit
            self.weight = weight
        }
    }

    /// Adds one tile of `width` × `rows` pixels whose first row is grid row `row0`.
    /// - `classIndex`: −1 where the land cover is not valid (nodata or unknown code): such
    ///   pixels count toward their unit's area only, as `lcMissing`.
    /// - `zone`: finest unit index + 1 for a pixel wholly in one unit, 0 outside every polygon,
    ///   `CoverageWeight.partialMark` for a boundary pixel, whose shares are in `shares`.
    /// - `redline`: the pixel's share inside the red line (0...`CoverageWeight.one`); nil when the
    ///   scene has none.
    /// - outputs: NaN where nodata. NPP, Rh and NEP are summed where NPP and Rh are both valid
    ///   (`pixelsNEP`); carbon where it is valid. A contribution beyond ±1e18
    ///   (`FixedPoint.isAccountable`) is left out and counted, never summed.
    /// - `canopy`, `hasAllometry`: where the carbon pools came from (lidar or the table), for
    ///   the class sums; needed only when they are kept.
    public mutating func add(width: Int, rows: Int, row0: Int, rowArea: UnsafePointer<Double>,
                             classIndex: UnsafePointer<Int32>, classEcosystem: UnsafePointer<Int32>,
                             zone: UnsafePointer<UInt32>, shares: UnsafeBufferPointer<Share> = UnsafeBufferPointer(start: nil, count: 0),
                             redline: UnsafePointer<UInt32>?,
                             npp: UnsafePointer<Float>, rh: UnsafePointer<Float>, carbon: UnsafePointer<Float>,
                             canopy: UnsafePointer<Float>? = nil, hasAllometry: UnsafePointer<Bool>? = nil) {
        var adder = PixelAdder(layout: layout, classIndex: classIndex, classEcosystem: classEcosystem, redline: redline,
                               npp: npp, rh: rh, carbon: carbon)
        // The class sums' storage, moved out while the adder writes through a pointer.
        var classTotals = classSums?.totals ?? []
        classSums?.totals = []
        defer { classSums?.totals = classTotals }
        classTotals.withUnsafeMutableBufferPointer { ct in
        if classSums != nil {
            adder.classes = PixelAdder.Classes(totals: ct.baseAddress!, count: classSums!.classes, canopy: canopy, hasAllometry: hasAllometry)
        }
        slots.withUnsafeMutableBufferPointer { s in
            for r in 0..<rows {
                let area = rowArea[row0 + r]
                let base = r * width
                for c in 0..<width {
                    let i = base + c
                    let z = zone[i]
                    if z == 0 {
                        if classIndex[i] >= 0 { adder.outside += 1 }
                        continue
                    }
                    if z == CoverageWeight.partialMark { continue }  // added from `shares` below
                    adder.add(pixel: i, unit: Int(z) - 1, weight: CoverageWeight.one, area: area, into: s)
                }
            }
            for share in shares {
                let i = Int(share.pixel)
                adder.add(pixel: i, unit: Int(share.unit), weight: share.weight, area: rowArea[row0 + i / width], into: s)
            }
        }
        }
        leftOut.outsideZones += adder.outside
        leftOut.nepMissing += adder.missing
        leftOut.implausibleValues += adder.implausible
    }
}

extension ZonalAccumulator {
    /// Adds a tile to the scenario's sums (see `ScenarioSums`, `ScenarioTile`): the scenario's
    /// planes into its slots, with the same zones, shares and red line as the base, and each share
    /// of a converted pixel (base class ≠ `altClass`) into its class pair.
    public mutating func addScenario(width: Int, rows: Int, row0: Int, rowArea: UnsafePointer<Double>,
                              baseClass: UnsafePointer<Int32>, altClass: UnsafePointer<Int32>, classEcosystem: UnsafePointer<Int32>,
                              zone: UnsafePointer<UInt32>, shares: UnsafeBufferPointer<Share>, redline: UnsafePointer<UInt32>?,
                              npp: UnsafePointer<Float>, rh: UnsafePointer<Float>, carbon: UnsafePointer<Float>) {
        guard var sc = scenario else { return }
        scenario = nil  // `sc` holds the only reference: no copy below
        var acc = ZonalAccumulator(layout: layout)
        swap(&acc.slots, &sc.slots)
        acc.leftOut = sc.leftOut
        acc.add(width: width, rows: rows, row0: row0, rowArea: rowArea, classIndex: altClass, classEcosystem: classEcosystem,
                zone: zone, shares: shares, redline: redline, npp: npp, rh: rh, carbon: carbon)
        swap(&acc.slots, &sc.slots)
        sc.leftOut = acc.leftOut
        func converted(_ i: Int, unit: Int, weight: UInt32, area: Double) {
            let from = baseClass[i], to = altClass[i]
            if from != to { sc.addConverted(unit: unit, from: from, to: to, area: area, weight: weight, red: redline?[i] ?? 0) }
        }
        for r in 0..<rows {
            let area = rowArea[row0 + r]
            for c in 0..<width {
                let i = r * width + c, z = zone[i]
                if z != 0 && z != CoverageWeight.partialMark { converted(i, unit: Int(z) - 1, weight: CoverageWeight.one, area: area) }
            }
        }
        for share in shares {
            let i = Int(share.pixel)
            converted(i, unit: Int(share.unit), weight: share.weight, area: rowArea[row0 + i / width])
        }
        scenario = sc
    }

    /// Adds `t` to slot `slot` (a scenario's converted fluxes, filled in once the means are known).
    mutating func addTotals(_ t: ZoneTotals, slot: Int) {
        slots[slot].merge(t)
    }
}

/// One pixel's (or one share of a pixel's) contributions to its slots.
struct PixelAdder {
    let layout: SlotLayout
    let classIndex: UnsafePointer<Int32>, classEcosystem: UnsafePointer<Int32>
    let redline: UnsafePointer<UInt32>?
    let npp: UnsafePointer<Float>, rh: UnsafePointer<Float>, carbon: UnsafePointer<Float>
    var outside: Int64 = 0, missing: Int64 = 0, implausible: Int64 = 0
    /// Where the per (unit, class) sums go, when they are kept.
    var classes: Classes? = nil

    struct Classes {
        let totals: UnsafeMutablePointer<ClassSums.Totals>
        let count: Int
        let canopy: UnsafePointer<Float>?
        let hasAllometry: UnsafePointer<Bool>?

        /// Whether pixel `i` of class `k` took its above- and belowground pools from the table
        /// (the kernel's rule: lidar where the height is finite and the class has an allometry).
        @inline(__always)
        func tablePools(pixel i: Int, class k: Int) -> Bool {
            guard let canopy, let hasAllometry else { return true }
            return !(canopy[i].isFinite && hasAllometry[k])
        }
    }

    /// `x` (a value × the pixel's area) split by the pixel's weight `w` in the unit and its red
    /// share `red`: the two parts, exact integers whose sum is the quantized weighted whole.
    @inline(__always)
    static func parts(_ x: Double, weight w: UInt32, red: UInt32) -> (inside: Int128, outside: Int128) {
        let one = CoverageWeight.one
        let whole = w == one ? FixedPoint.quantize(x) : FixedPoint.quantize(x * Double(w) / Double(one))
        if red == 0 { return (0, whole) }
        if red == one { return (whole, 0) }
        let inside = FixedPoint.quantize(x * (Double(w) / Double(one)) * (Double(red) / Double(one)))
        return (inside, whole - inside)
    }

    @inline(__always)
    mutating func add(pixel i: Int, unit: Int, weight w: UInt32, area: Double, into s: UnsafeMutableBufferPointer<ZoneTotals>) {
        let red = redline?[i] ?? 0
        let k = classIndex[i]
        let eco = k >= 0 ? Int(classEcosystem[Int(k)]) : layout.lcMissing
        let inSlot = layout.slot(unit: unit, ecosystem: eco, inRedline: true)
        let outSlot = layout.slot(unit: unit, ecosystem: eco, inRedline: false)
        let a = PixelAdder.parts(area, weight: w, red: red)
        s[inSlot].area += a.inside
        s[outSlot].area += a.outside
        guard k >= 0 else { return }  // no valid land cover: area only
        // The pixel counts once per unit, on the side of the red line holding most of it.
        let countSlot = 2 * UInt64(red) >= UInt64(CoverageWeight.one) ? inSlot : outSlot
        s[countSlot].pixels += 1
        // Fluxes: NPP and Rh quantized per share, NEP derived from the two.
        let n = Double(npp[i]) * area, h = Double(rh[i]) * area
        if n.isNaN || h.isNaN {
            missing += 1
        } else if FixedPoint.isAccountable(n) && FixedPoint.isAccountable(h) {
            let qn = PixelAdder.parts(n, weight: w, red: red), qh = PixelAdder.parts(h, weight: w, red: red)
            s[countSlot].pixelsNEP += 1
            if red > 0 { s[inSlot].fluxShares += 1 }
            if red < CoverageWeight.one { s[outSlot].fluxShares += 1 }
            s[inSlot].npp += qn.inside
            s[outSlot].npp += qn.outside
            s[inSlot].rh += qh.inside
            s[outSlot].rh += qh.outside
            s[inSlot].nep += qn.inside - qh.inside
            s[outSlot].nep += qn.outside - qh.outside
            if let c = classes {
                c.totals[unit * c.count + Int(k)].npp += qn.inside + qn.outside
                c.totals[unit * c.count + Int(k)].rh += qh.inside + qh.outside
                c.totals[unit * c.count + Int(k)].fluxArea += a.inside + a.outside
            }
        } else {
            missing += 1
            implausible += 1
        }
        let cs = Double(carbon[i]) * area
        if FixedPoint.isAccountable(cs) {
            let q = PixelAdder.parts(cs, weight: w, red: red)
            s[inSlot].carbon += q.inside
            s[outSlot].carbon += q.outside
            if let c = classes {
                let e = unit * c.count + Int(k), whole = a.inside + a.outside
                c.totals[e].carbon += q.inside + q.outside
                c.totals[e].carbonArea += whole
                if c.tablePools(pixel: i, class: Int(k)) { c.totals[e].tableArea += whole }
            }
        } else if !cs.isNaN {
            implausible += 1
        }
    }
}
