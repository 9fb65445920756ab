/// Exact sums per (finest unit, land-cover class): what the Monte Carlo of the class parameters
/// (`Uncertainty`) and a scenario's class means (`Scenario`) need. Kept only when a scene asks
/// for either. Every sum is the whole
/// quantized contribution of a pixel's share (inside + outside the red line), so the classes
/// of a unit add up exactly to the unit's totals.
public struct ClassSums: Sendable, Equatable {
    public struct Totals: Sendable, Equatable {
        /// Σ NPP · area and Σ Rh · area (fixed-point, as `ZoneTotals`), over pixels with valid fluxes.
        public var npp: Int128 = 0
        public var rh: Int128 = 0
        /// The area those flux sums cover (m², fixed-point).
        public var fluxArea: Int128 = 0
        /// Σ C_total · area, and the area it covers (m², fixed-point).
        public var carbon: Int128 = 0
        public var carbonArea: Int128 = 0
        /// Of `carbonArea`, the part whose above- and belowground pools come from the table
        /// (no lidar allometry); the rest took C_above + C_below from the canopy height.
        public var tableArea: Int128 = 0
        public init() {}

        mutating func merge(_ o: Totals) {
            npp += o.npp
            rh += o.rh
            fluxArea += o.fluxArea
            carbon += o.carbon
            carbonArea += o.carbonArea
            tableArea += o.tableArea
        }
    }

    public let units: Int
    public let classes: Int
    /// Unit-major: `totals[unit * classes + class]`.
    public internal(set) var totals: [Totals]

    public init(units: Int, classes: Int) {
        self.units = units
        self.classes = classes
        totals = [Totals](repeating: Totals(), count: units * classes)
    }

    public subscript(unit unit: Int, class k: Int) -> Totals { totals[unit * classes + k] }

    public mutating func merge(_ o: ClassSums) {
        precondition(o.units == units && o.classes == classes, "class sums of different layouts")
        for i in totals.indices { totals[i].merge(o.totals[i]) }
    }
}

/// Sums travel as decimal strings (exact for any Int128), six per entry, unit-major.
extension ClassSums: Codable {
    enum CodingKeys: String, CodingKey { case units, classes, sums }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        units = try c.decode(Int.self, forKey: .units)
        classes = try c.decode(Int.self, forKey: .classes)
        let text = try c.decode([String].self, forKey: .sums)
        guard units >= 0, classes >= 0, text.count == units * classes * 6 else {
            throw DecodingError.dataCorruptedError(forKey: .sums, in: c, debugDescription: "expected \(units * classes * 6) sums, got \(text.count)")
        }
        var v: [Int128] = []
        v.reserveCapacity(text.count)
        for t in text {
            guard let x = Int128(t) else { throw DecodingError.dataCorruptedError(forKey: .sums, in: c, debugDescription: "not an integer: \(t)") }
            v.append(x)
        }
        totals = (0..<(units * classes)).map { i in
            var t = Totals()
            (t.npp, t.rh, t.fluxArea, t.carbon, t.carbonArea, t.tableArea) = (v[6 * i], v[6 * i + 1], v[6 * i + 2], v[6 * i + 3], v[6 * i + 4], v[6 * i + 5])
            return t
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(units, forKey: .units)
        try c.encode(classes, forKey: .classes)
        try c.encode(totals.flatMap { [$0.npp, $0.rh, $0.fluxArea, $0.carbon, $0.carbonArea, $0.tableArea].map { String($0) } }, forKey: .sums)
    }
}
