/// The ecosystem types of the accounting rules (SPEC §4). The index of a case is
/// its position in `allCases`, which the engine uses to split totals.
public enum Ecosystem: String, CaseIterable, Sendable {
    case forest, shrub, grassland, wetland, farmland, urban, water, other

    /// Position in `allCases` (forest = 0 … other = 7).
    public var index: Int {
        switch self {
        case .forest: 0
        case .shrub: 1
        case .grassland: 2
        case .wetland: 3
        case .farmland: 4
        case .urban: 5
        case .water: 6
        case .other: 7
        }
    }
}
