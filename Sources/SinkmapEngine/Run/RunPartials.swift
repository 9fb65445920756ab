import GDALKit
import SinkmapAccounting
import SinkmapBase

/// The exact result of computing some tiles of a run: the zonal partial sums and the
/// tiles they cover. Partials of disjoint tile sets of one plan merge into the partials of
/// their union; those of all tiles finalize into the outputs. `Codable`, so they can be
/// written to disk by one process and merged by another.
public struct RunPartials: Sendable, Equatable, Codable {
    /// Identifies the plan: the grid (size, geotransform, CRS), the tile size and the
    /// slot layout. Partials of different plans never merge.
    public var plan: String
    /// Tiles of the run's plan.
    public var tileCount: Int
    /// Indices of the tiles these partials cover, ascending, each once.
    public private(set) var tiles: [Int]
    public private(set) var sums: ZonalAccumulator

    public init(plan: String, tileCount: Int, tiles: [Int], sums: ZonalAccumulator) throws {
        self.plan = plan
        self.tileCount = tileCount
        self.tiles = tiles.sorted()
        self.sums = sums
        try check()
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(plan: try c.decode(String.self, forKey: .plan), tileCount: try c.decode(Int.self, forKey: .tileCount),
                      tiles: try c.decode([Int].self, forKey: .tiles), sums: try c.decode(ZonalAccumulator.self, forKey: .sums))
    }

    /// Tiles in range and unique; one total per slot of the layout.
    func check() throws {
        guard tiles.allSatisfy({ (0..<tileCount).contains($0) }) else {
            throw Refusal("partials name a tile outside 0..<\(tileCount)")
        }
        guard zip(tiles, tiles.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw Refusal("partials count a tile twice")
        }
        guard sums.slots.count == sums.layout.count else {
            throw Refusal("partials hold \(sums.slots.count) totals for a layout of \(sums.layout.count) slots")
        }
    }

    /// Whether every tile of the plan is covered (each exactly once, by construction).
    public var isComplete: Bool { tiles.count == tileCount }

    /// Adds the partials of other tiles. Refuses partials of another plan or tiles counted twice.
    public mutating func merge(_ o: RunPartials) throws {
        guard o.plan == plan, o.tileCount == tileCount, o.sums.layout == sums.layout else {
            throw Refusal("partials of different runs (plan \(o.plan) vs \(plan))")
        }
        let mine = Set(tiles)
        if let twice = o.tiles.first(where: mine.contains) {
            throw Refusal("tile \(twice) is in both partials")
        }
        tiles = (tiles + o.tiles).sorted()
        sums.merge(o.sums)
    }
}
