import GDALKit
import SinkmapBase

/// Which part of a run a shard computes: the K-th (1-based) of N contiguous ranges of tiles,
/// a pure function of the plan's tile count (itself of the grid and the tile size) and N.
public struct ShardSpec: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 1...count.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw Refusal("--shard: the number of shards must be at least 1 (got \(count))") }
        guard (1...count).contains(index) else {
            throw Refusal("--shard: shard \(index) of \(count) does not exist (shards are numbered 1 to \(count))")
        }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// Tile indices lo..<hi of this shard among `tileCount` tiles: the tiles split as evenly as
    /// possible (sizes differ by at most one), in row-major order.
    public func tiles(of tileCount: Int) -> Range<Int> {
        let k = index - 1
        return (k * tileCount / count)..<((k + 1) * tileCount / count)
    }

    /// The rows of the grid holding the tiles `range` (full width): the part of the grid a
    /// shard's raster piece covers.
    public static func area(of range: Range<Int>, tiles: [Window], grid: Grid) -> Window? {
        guard let first = range.first, let last = range.last else { return nil }
        let top = tiles[first].row, bottom = tiles[last].rowEnd
        return Window(col: 0, row: top, width: grid.width, height: bottom - top)
    }

    /// The rectangles (grid coordinates) the tiles `range` cover: at most three (the rest of the
    /// first tile row, the whole rows between, the start of the last tile row), for the VRT.
    public static func rectangles(of range: Range<Int>, tiles: [Window]) -> [Window] {
        var out: [Window] = []
        var i = range.lowerBound
        while i < range.upperBound {
            // A run of tiles on one tile row, then whole tile rows merged into one rectangle.
            let row = tiles[i].row
            var j = i
            while j < range.upperBound, tiles[j].row == row { j += 1 }
            let r = Window(col: tiles[i].col, row: row, width: tiles[j - 1].colEnd - tiles[i].col, height: tiles[i].height)
            if let last = out.last, last.col == r.col, last.width == r.width, last.rowEnd == r.row {
                out[out.count - 1] = Window(col: last.col, row: last.row, width: last.width, height: last.height + r.height)
            } else {
                out.append(r)
            }
            i = j
        }
        return out
    }

    /// `--shard` text: "K/N", "auto" (Slurm: K = SLURM_ARRAY_TASK_ID, N = SLURM_ARRAY_TASK_COUNT;
    /// the array must be 1-N) or "auto/N" (K from SLURM_ARRAY_TASK_ID, else Kubernetes'
    /// 0-based JOB_COMPLETION_INDEX + 1; N given, so a task resubmitted alone still knows it).
    public static func parse(_ text: String, environment: [String: String]) throws -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func number(_ s: String, _ what: String) throws -> Int {
            guard let n = Int(s) else { throw Refusal("--shard: expected K/N, auto or auto/N, got '\(text)' (\(what) '\(s)' is not a number)") }
            return n
        }
        guard parts.count <= 2, !text.isEmpty else { throw Refusal("--shard: expected K/N, auto or auto/N, got '\(text)'") }
        if parts[0] != "auto" {
            guard parts.count == 2 else { throw Refusal("--shard: expected K/N, auto or auto/N, got '\(text)'") }
            return try ShardSpec(index: try number(parts[0], "K"), count: try number(parts[1], "N"))
        }
        let given = parts.count == 2 ? try number(parts[1], "N") : nil
        if let id = environment["SLURM_ARRAY_TASK_ID"] {
            guard let k = Int(id) else { throw Refusal("--shard auto: SLURM_ARRAY_TASK_ID='\(id)' is not a number") }
            let n: Int
            if let given { n = given } else {
                guard let c = environment["SLURM_ARRAY_TASK_COUNT"], let count = Int(c) else {
                    throw Refusal("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; give the count as --shard auto/N")
                }
                n = count
            }
            guard (1...max(n, 1)).contains(k) else {
                throw Refusal("--shard auto: SLURM_ARRAY_TASK_ID=\(k) is outside 1..\(n); submit the array as --array=1-\(n)")
            }
            return try ShardSpec(index: k, count: n)
        }
        if let id = environment["JOB_COMPLETION_INDEX"] {
            guard let i = Int(id) else { throw Refusal("--shard auto: JOB_COMPLETION_INDEX='\(id)' is not a number") }
            guard let n = given else {
                throw Refusal("--shard auto: JOB_COMPLETION_INDEX is set but Kubernetes gives no count; use --shard auto/N (N = the job's completions)")
            }
            return try ShardSpec(index: i + 1, count: n)
        }
        throw Refusal("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set (not in a Slurm array or an indexed Kubernetes job); give --shard K/N")
    }
}
