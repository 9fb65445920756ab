import GDALKit
import SinkmapAccounting

/// Exact coverage of the grid by the zone polygons (and the red line), in fixed point.
///
/// A weight is a share of a pixel in units of 10⁻⁹ (`one`). Per pixel the units' weights are
/// quantized together by largest remainder, so they add up exactly to the pixel's covered share
/// (exactly `one` where polygons tile it), and every sum built from them is an exact integer.
/// A pixel wholly inside one unit is stored in the grid-sized "primary" raster (unit index + 1);
/// the others — on a boundary — are kept as a sparse list sorted by pixel, and marked in the
/// raster with `partialMark`. Memory follows the boundary length, not the grid.
public enum ZoneCoverage {
    /// The fixed-point unit of a pixel share (`CoverageWeight.one`).
    public static let one = CoverageWeight.one
    /// Primary-raster value of a pixel listed in the partial entries (`CoverageWeight.partialMark`).
    public static let partialMark = CoverageWeight.partialMark

    /// Boundary pixels: for each, its units and weights (sorted by pixel, then unit).
    public struct Partial: Sendable, Equatable {
        public var cells: [Int] = []
        public var units: [UInt32] = []
        public var weights: [UInt32] = []

        /// Entries whose pixel lies in `lo..<hi` (row-major indices).
        public func range(_ lo: Int, _ hi: Int) -> Range<Int> {
            func first(_ x: Int) -> Int {
                var a = 0, b = cells.count
                while a < b { let m = (a + b) / 2; if cells[m] < x { a = m + 1 } else { b = m } }
                return a
            }
            return first(lo)..<first(hi)
        }
    }

    /// The polygons of a WKB geometry in pixel space of a north-up grid.
    public static func pixelPolygons(_ wkb: [UInt8], grid: Grid, path: String) throws -> [[[SIMD2<Double>]]] {
        let t = grid.transform
        let origin = SIMD2(t.originX, t.originY), size = SIMD2(t.pixelWidth, t.pixelHeight)
        return try Geometry(wkb: wkb, path: path).polygons.map { $0.map { ring in ring.map { ($0 - origin) / size } } }
    }

    /// Weights per pixel of each item (zone unit or red line): `items[i]` is the item of the
    /// i-th geometry (several geometries may share one). Writes the primary raster to `file`
    /// (UInt32: item + 1, `partialMark`, or 0) and returns the boundary pixels. Geometries of
    /// one item add up (clamped to one pixel); items overlapping in a pixel share it.
    ///
    /// With `rows` (a shard's rows of the grid), only those rows are made: the raster `file` holds
    /// just them (full width), polygons that do not reach them are skipped, and the boundary pixels
    /// keep their whole-grid indices. Every polygon is still measured in the whole grid's pixel
    /// coordinates, so the weights are bit for bit those of the whole grid.
    public static func make(_ shapes: [[UInt8]?], items: [Int], grid: Grid, path: String, into file: String,
                            rows: Range<Int>? = nil) throws -> Partial {
        let rows = rows ?? 0..<grid.height
        let (runs, partial) = try cells(shapes, items: items, grid: grid, path: path, rows: rows)
        return try write(runs: runs, partial: partial, grid: grid, rows: rows, into: file)
    }

    /// Full rows of cells per item.
    typealias Run = (row: Int, c0: Int, c1: Int, item: UInt32)
    /// A boundary cell of an item, with its covered fraction.
    typealias PartialCell = (cell: Int, item: UInt32, f: Double)

    /// Each geometry's cells within `rows`: runs of fully covered cells in a row, and partial
    /// cells; runs sorted by row, partial cells by cell then item.
    static func cells(_ shapes: [[UInt8]?], items: [Int], grid: Grid, path: String, rows: Range<Int>) throws
        -> (runs: [Run], partial: [PartialCell]) {
        let width = grid.width, height = grid.height
        var runs: [Run] = []
        var partial: [PartialCell] = []
        for (i, wkb) in shapes.enumerated() {
            guard let wkb else { continue }
            let item = UInt32(items[i])
            let polygons = try pixelPolygons(wkb, grid: grid, path: path)
            if rows != 0..<height {
                let ys = polygons.flatMap { $0.first ?? [] }.map(\.y)
                guard let lo = ys.min(), let hi = ys.max(), Int(hi.rounded(.up)) > rows.lowerBound,
                      Int(lo.rounded(.down)) < rows.upperBound else { continue }
            }
            let cells = CoverageFractions.fractions(of: polygons, width: width, height: height)
            var k = 0
            while k < cells.count {
                let (cell, f) = cells[k]
                guard rows.contains(cell / width) else { k += 1; continue }
                if f >= 1 - 1e-12 {
                    var end = k + 1
                    while end < cells.count, cells[end].fraction >= 1 - 1e-12, cells[end].cell == cells[end - 1].cell + 1,
                          cells[end].cell / width == cell / width { end += 1 }
                    runs.append((cell / width, cell % width, cells[end - 1].cell % width + 1, item))
                    k = end
                } else {
                    partial.append((cell, item, f))
                    k += 1
                }
            }
        }
        runs.sort { $0.row < $1.row }
        partial.sort { ($0.cell, $0.item) < ($1.cell, $1.item) }
        return (runs, partial)
    }

    /// The primary raster of `rows` written to `file` band by band (256 rows), and the pixels
    /// that need weighing together (boundaries, overlaps) quantized into the returned entries.
    static func write(runs: [Run], partial: [PartialCell], grid: Grid, rows: Range<Int>, into file: String) throws -> Partial {
        let width = grid.width
        let area = Window(col: 0, row: rows.lowerBound, width: width, height: rows.count)
        let writer = try RasterWriter(path: file, grid: grid.cropped(to: area), bands: 1, type: .uint32, nodata: nil,
                                      blockSize: 256, compress: "NONE")
        var out = Partial()
        let band = 256
        var buffer = [UInt32](repeating: 0, count: width * band)
        var ri = 0, pi = 0
        for top in stride(from: rows.lowerBound, to: rows.upperBound, by: band) {
            let rows = min(band, rows.upperBound - top)
            for i in 0..<(width * rows) { buffer[i] = 0 }
            // Cells that need weighing together: item → summed fraction, per cell.
            var mixed: [Int: [UInt32: Double]] = [:]
            while ri < runs.count, runs[ri].row < top + rows {
                let r = runs[ri]
                for c in r.c0..<r.c1 {
                    let at = (r.row - top) * width + c, cell = r.row * width + c
                    if buffer[at] == 0 {
                        buffer[at] = r.item + 1
                    } else {
                        // Overlap: weigh all claims on this pixel together.
                        if buffer[at] != partialMark { mixed[cell, default: [:]][buffer[at] - 1, default: 0] += 1 }
                        mixed[cell, default: [:]][r.item, default: 0] += 1
                        buffer[at] = partialMark
                    }
                }
                ri += 1
            }
            while pi < partial.count, partial[pi].cell < (top + rows) * width {
                let p = partial[pi]
                let at = p.cell - top * width
                if buffer[at] != 0, buffer[at] != partialMark { mixed[p.cell, default: [:]][buffer[at] - 1, default: 0] += 1 }
                mixed[p.cell, default: [:]][p.item, default: 0] += p.f
                buffer[at] = partialMark
                pi += 1
            }
            for cell in mixed.keys.sorted() {
                for (item, w) in quantize(mixed[cell]!) {
                    out.cells.append(cell)
                    out.units.append(item)
                    out.weights.append(w)
                }
            }
            try buffer.withUnsafeBufferPointer {
                try writer.write(band: 1, window: Window(col: 0, row: top - area.row, width: width, height: rows), from: $0.baseAddress!)
            }
        }
        try writer.flush()
        return out
    }

    /// One pixel's fractions per item → integer weights that add up exactly to the pixel's
    /// covered share (at most `one`), by largest remainder; items in ascending order.
    public static func quantize(_ fractions: [UInt32: Double]) -> [(UInt32, UInt32)] {
        let items = fractions.keys.sorted()
        let scale = Double(one)
        var f = items.map { min(1, max(0, fractions[$0]!)) }
        // Overlapping polygons claiming more than the whole pixel share it in proportion.
        let sum = f.reduce(0, +)
        if sum > 1 { f = f.map { $0 / sum } }
        let total = min(Int64(one), Int64((min(1, sum) * scale).rounded()))
        var w = f.map { Int64(($0 * scale).rounded(.down)) }
        var rest = total - w.reduce(0, +)
        let order = items.indices.sorted { (f[$0] * scale - Double(w[$0])) > (f[$1] * scale - Double(w[$1])) }
        var k = 0
        // |rest| is at most the number of items (one rounding each).
        while rest > 0, !order.isEmpty { w[order[k % order.count]] += 1; rest -= 1; k += 1 }
        while rest < 0, let i = order.reversed().first(where: { w[$0] > 0 }) { w[i] -= 1; rest += 1 }
        return items.indices.compactMap { w[$0] > 0 ? (items[$0], UInt32(w[$0])) : nil }
    }
}
