/// The exact result of computing some tiles of a run: the zonal partial sums and the
/// tiles they cover. Partials of disjoint tile sets merge into the partials of their
/// union; those of all tiles finalize into the outputs. `Codable`, so they can be written
/// to disk by one machine and merged by another.
public struct RunPartials: Sendable, Equatable, Codable {
    public var tileSize: Int
    /// Tiles of the run's plan.
    public var tileCount: Int
    /// Indices of the tiles these partials cover, ascending.
    public private(set) var tiles: [Int]
    public private(set) var sums: ZonalAccumulator

    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    public init(tileSize: Int, tileCount: Int, tiles: [Int], sums: ZonalAccumulator) {
        self.tileSize = tileSize
        self.tileCount = tileCount
        self.tiles = tiles.sorted()
        self.sums = sums
    }

    /// Whether every tile of the plan is covered.
    public var isComplete: Bool { tiles.count == tileCount }

    /// Adds the partials of other tiles. Refuses partials of another plan or tiles counted twice.
    public mutating func merge(_ o: RunPartials) throws {
        guard o.tileSize == tileSize, o.tileCount == tileCount, o.sums.layout == sums.layout else {
            throw Mismatch(description: "partials of different runs (tile size \(o.tileSize) vs \(tileSize), \(o.tileCount) vs \(tileCount) tiles, \(o.sums.layout.units) vs \(sums.layout.units) units)")
        }
        let mine = Set(tiles)
        if let twice = o.tiles.first(where: mine.contains) {
            throw Mismatch(description: "tile \(twice) is in both partials")
        }
        tiles = (tiles + o.tiles).sorted()
        sums.merge(o.sums)
    }
}
