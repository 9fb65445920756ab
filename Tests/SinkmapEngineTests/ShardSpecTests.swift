import GDALKit
import SinkmapEngine
import Testing
import SinkmapBase

/// The shard ranges and rectangles as pure functions, and `--shard` parsing (no files).
struct ShardSpecTests {
    @Test func rangesCoverEveryTileOnceAndDifferByAtMostOne() throws {
        for tiles in [1, 7, 12, 100, 391] {
            for n in 1...min(tiles, 40) {
                let ranges = try (1...n).map { try ShardSpec(index: $0, count: n).tiles(of: tiles) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == tiles)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                let sizes = ranges.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1 && sizes.min()! >= 1, "\(tiles) tiles in \(n)")
            }
        }
        // The function of the grid and the tile size: 12 tiles in 3 → 0..<4, 4..<8, 8..<12.
        #expect(try ShardSpec(index: 2, count: 3).tiles(of: 12) == 4..<8)
    }

    @Test func rectanglesOfARangeCoverExactlyItsTiles() throws {
        let grid = Grid(crsWKT: "", transform: GeoTransform(originX: 0, pixelWidth: 1, originY: 0, pixelHeight: -1), width: 1000, height: 700)
        let tiles = grid.window.subdivide(tileWidth: 256, tileHeight: 256)  // 4 × 3 tiles, edge tiles smaller
        for n in 1...tiles.count {
            for k in 1...n {
                let range = try ShardSpec(index: k, count: n).tiles(of: tiles.count)
                let rects = ShardSpec.rectangles(of: range, tiles: tiles)
                #expect(rects.count <= 3)
                // Every pixel of the range's tiles in exactly one rectangle, and no other pixel.
                let inTiles = range.reduce(0) { $0 + tiles[$1].pixelCount }
                #expect(rects.reduce(0) { $0 + $1.pixelCount } == inTiles)
                for t in range { #expect(rects.contains { $0.intersection(tiles[t]) == tiles[t] }) }
                for (i, a) in rects.enumerated() { for b in rects[(i + 1)...] { #expect(a.intersection(b) == nil) } }
                let area = try #require(ShardSpec.area(of: range, tiles: tiles, grid: grid))
                for r in rects { #expect(r.intersection(area) == r) }
            }
        }
    }

    @Test func parsingReadsSlurmAndKubernetes() throws {
        #expect(try ShardSpec.parse("2/5", environment: [:]) == ShardSpec(index: 2, count: 5))
        let slurm = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(try ShardSpec.parse("auto", environment: slurm) == ShardSpec(index: 3, count: 4))
        // A task resubmitted alone (its array has one task): the count comes from auto/N.
        #expect(try ShardSpec.parse("auto/4", environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1"]) == ShardSpec(index: 3, count: 4))
        #expect(try ShardSpec.parse("auto/6", environment: ["JOB_COMPLETION_INDEX": "0"]) == ShardSpec(index: 1, count: 6))
        for (text, env, words) in [
            ("auto", ["JOB_COMPLETION_INDEX": "2"], "Kubernetes gives no count"),
            ("auto", ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"], "--array=1-4"),
            ("auto", [:], "give --shard K/N"),
            ("3", [:], "expected K/N"),
            ("1/2/3", [:], "expected K/N"),
            ("5/4", [:], "shard 5 of 4 does not exist"),
        ] as [(String, [String: String], String)] {
            #expect(throws: Refusal.self) { try ShardSpec.parse(text, environment: env) }
            do { _ = try ShardSpec.parse(text, environment: env) } catch { #expect("\(error)".contains(words), "\(text): \(error)") }
        }
    }
}
