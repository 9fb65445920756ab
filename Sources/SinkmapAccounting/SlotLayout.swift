import SinkmapKernels

/// The accounting schema: how the finest totals are keyed. One slot per
/// (finest unit, ecosystem or "no valid land cover", inside/outside the red line), laid out
/// unit-major so one unit's slots are contiguous. Accumulation, roll-up and the table rows all address
/// slots through this type (later dimensions, e.g. year or Monte Carlo draw, go here).
public struct SlotLayout: Sendable, Equatable, Hashable, Codable {
    /// Finest units of the zone hierarchy.
    public var units: Int
    /// Ecosystem types (`Ecosystem.allCases`, in that order).
    public var ecosystems: Int
    /// Red-line states: outside (0) and inside (1).
    public static let redlineStates = 2

    public init(units: Int, ecosystems: Int = Ecosystem.allCases.count) {
        precondition(units >= 0 && ecosystems > 0)
        self.units = units
        self.ecosystems = ecosystems
    }

    /// The pseudo-ecosystem of the part of a unit without valid land cover (nodata or a code
    /// absent from the table): it holds area only.
    public var lcMissing: Int { ecosystems }
    /// Ecosystem positions per unit: the ecosystems and `lcMissing`.
    public var ecosystemSlots: Int { ecosystems + 1 }

    /// Slots per unit (ecosystem positions × red-line states).
    public var slotsPerUnit: Int { ecosystemSlots * SlotLayout.redlineStates }
    /// All slots.
    public var count: Int { units * slotsPerUnit }

    @inline(__always)
    public func slot(unit: Int, ecosystem: Int, inRedline: Bool) -> Int {
        (unit * ecosystemSlots + ecosystem) * SlotLayout.redlineStates + (inRedline ? 1 : 0)
    }

    /// The key of a slot: the inverse of `slot(unit:ecosystem:inRedline:)`.
    public func key(of slot: Int) -> (unit: Int, ecosystem: Int, inRedline: Bool) {
        let red = slot % SlotLayout.redlineStates
        let rest = slot / SlotLayout.redlineStates
        return (rest / ecosystemSlots, rest % ecosystemSlots, red == 1)
    }

    /// Index of a slot within its unit's `slotsPerUnit` slots.
    @inline(__always)
    public func partIndex(ecosystem: Int, inRedline: Bool) -> Int {
        ecosystem * SlotLayout.redlineStates + (inRedline ? 1 : 0)
    }
}
