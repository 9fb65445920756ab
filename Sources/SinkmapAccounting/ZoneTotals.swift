/// Mergeable totals of one slot (or of several merged). All sums are exact fixed-point
/// integers (see `FixedPoint`, `Quantity`), so merging is order-independent.
public struct ZoneTotals: Sendable, Equatable {
    /// Accounted pixels (valid land cover with a code in the table).
    public var pixels: Int64 = 0
    /// Of those, pixels whose NPP, Rh and NEP are valid (the pixels the flux sums cover).
    public var pixelsNEP: Int64 = 0
    /// Pixel shares with valid fluxes summed here (a boundary pixel may add a share to a side of
    /// the red line where it is not counted as a pixel).
    public var fluxShares: Int64 = 0
    /// Σ pixel area, m², fixed-point.
    public var area: Int128 = 0
    /// Σ NPP · area (gC/yr), Σ Rh · area, over the `pixelsNEP` pixels; NEP is Σ (NPP − Rh) of
    /// the per-pixel quantized values, so nep = npp − rh exactly.
    public var npp: Int128 = 0
    public var rh: Int128 = 0
    public var nep: Int128 = 0
    /// Σ C_total · area (Mg C/ha · m²).
    public var carbon: Int128 = 0

    public init() {}

    public mutating func merge(_ o: ZoneTotals) {
        pixels += o.pixels
        pixelsNEP += o.pixelsNEP
        fluxShares += o.fluxShares
        area += o.area
        npp += o.npp
        rh += o.rh
        nep += o.nep
        carbon += o.carbon
    }

    public var isEmpty: Bool { pixels == 0 }
    /// Whether the flux sums cover any pixel (else NPP, Rh and NEP are missing, not zero).
    public var hasFlux: Bool { fluxShares > 0 }
    /// Nothing at all is summed here.
    public var isZero: Bool { pixels == 0 && area == 0 && fluxShares == 0 && carbon == 0 }

    /// The fixed-point sum of a quantity.
    public subscript(_ q: Quantity) -> Int128 {
        switch q {
        case .area: return area
        case .npp: return npp
        case .rh: return rh
        case .nep: return nep
        case .carbon: return carbon
        }
    }

    /// A quantity in the table's unit (ha or tC).
    public func value(_ q: Quantity) -> Double { q.value(self[q]) }

    public var areaHectares: Double { value(.area) }
    public var nppTonnes: Double { value(.npp) }
    public var rhTonnes: Double { value(.rh) }
    public var nepTonnes: Double { value(.nep) }
    public var carbonTonnes: Double { value(.carbon) }
}

/// Sums travel as decimal strings: exact for any Int128, whatever the JSON reader.
extension ZoneTotals: Codable {
    enum CodingKeys: String, CodingKey { case pixels, pixelsNEP = "pixels_nep", fluxShares = "flux_shares", area, npp, rh, nep, carbon }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func sum(_ k: CodingKeys) throws -> Int128 {
            let text = try c.decode(String.self, forKey: k)
            guard let v = Int128(text) else {
                throw DecodingError.dataCorruptedError(forKey: k, in: c, debugDescription: "not an integer: \(text)")
            }
            return v
        }
        pixels = try c.decode(Int64.self, forKey: .pixels)
        pixelsNEP = try c.decode(Int64.self, forKey: .pixelsNEP)
        fluxShares = try c.decode(Int64.self, forKey: .fluxShares)
        area = try sum(.area)
        npp = try sum(.npp)
        rh = try sum(.rh)
        nep = try sum(.nep)
        carbon = try sum(.carbon)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pixels, forKey: .pixels)
        try c.encode(pixelsNEP, forKey: .pixelsNEP)
        try c.encode(fluxShares, forKey: .fluxShares)
        for (k, v) in [(CodingKeys.area, area), (.npp, npp), (.rh, rh), (.nep, nep), (.carbon, carbon)] {
            try c.encode(String(v), forKey: k)
        }
    }
}

extension ZoneTotals {
    /// The area without valid land cover among a unit's parts (both sides of the red line).
    public static func lcMissingArea(_ parts: [ZoneTotals]) -> Int128 {
        let layout = SlotLayout(units: 1)
        return parts[layout.partIndex(ecosystem: layout.lcMissing, inRedline: false)].area
            + parts[layout.partIndex(ecosystem: layout.lcMissing, inRedline: true)].area
    }
}
