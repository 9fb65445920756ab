/// The exact fraction of each grid cell that a polygon covers, the way exactextract computes
/// it: no per-cell clipping, a walk along each ring through the cells it crosses plus one scan
/// of the polygon's bounding box.
///
/// Coordinates are in pixel space: cell (c, r) is [c, c+1] × [r, r+1], with r growing
/// downwards (north-up rasters). By Green's theorem the area of a polygon P inside the cell is
///
///     A(c, r) = ± Σ_edges ∫ over the edge's part with c ≤ u ≤ c+1 of  clamp(v(u), r, r+1) − r  du
///
/// (vertical pieces contribute nothing, so clipping to the column is free). Along an edge piece
/// that stays in row r the integrand is v − r; in every row above it is 1, in every row below 0.
/// So each piece adds its own exact term to its cell and a full-height term to the rows above,
/// which a running sum down each column of the bounding box adds up: cost proportional to the
/// boundary length plus the box. Holes are rings oriented the other way; multipolygons add up.
public enum CoverageFractions {
    public typealias Point = SIMD2<Double>

    /// One polygon's coverage: for each covered cell (row-major index into the grid), the fraction
    /// in (0, 1], cells with no coverage omitted. `rings[0]` is the outer ring, the others holes;
    /// several polygons (a multipolygon) are added up. Points in pixel space; the grid is
    /// `width` × `height` cells, and parts outside it are cut off.
    public static func fractions(of polygons: [[[Point]]], width: Int, height: Int) -> [(cell: Int, fraction: Double)] {
        var scratch = Scratch()
        fractions(of: polygons, width: width, height: height, scratch: &scratch)
        return scratch.cells
    }

    /// Buffers reused from one polygon to the next (one per thread): the result of
    /// `fractions(of:width:height:scratch:)` is in `cells`.
    public struct Scratch {
        public internal(set) var cells: [(cell: Int, fraction: Double)] = []
        /// The walk's terms, as they come (`Box`): each edge piece's own term for its cell
        /// (`exact`), and the full-height terms a running sum down the column adds up (`carry`).
        var exact: [Term] = [], carry: [Term] = []
        /// The same terms grouped by row (stable, so each cell adds its terms in walk order), and
        /// where each row's terms start (`height + 1` offsets).
        var exactByRow: [Term] = [], carryByRow: [Term] = []
        var exactStart: [Int] = [], carryStart: [Int] = []
        /// Per column of the box: the running sum, a row's sums of terms, the row's fractions.
        var running: [Double] = [], pending: [Double] = [], row: [Double] = []
        public init() {}
    }

    /// One term of the walk: `value` added at (row, column) of the polygon's bounding box.
    struct Term {
        var row: Int32, column: Int32, value: Double
    }

    /// The part of the grid a polygon's bounding box covers, in cells.
    public struct Extent: Sendable, Equatable {
        public var col: Int, row: Int, width: Int, height: Int
    }

    /// As `fractions(of:width:height:)`, into `scratch.cells`, reusing its buffers.
    public static func fractions(of polygons: [[[Point]]], width: Int, height: Int, scratch: inout Scratch) {
        scratch.cells.removeAll(keepingCapacity: true)
        guard let e = accumulate(polygons, width: width, height: height, scratch: &scratch) else { return }
        var cells = scratch.cells
        scratch.cells = []
        scratch.forEachRow(e) { r, f in
            let rowStart = (e.row + r) * width + e.col
            for c in 0..<e.width where f[c] > 0 { cells.append((rowStart + c, f[c])) }
        }
        scratch.cells = cells
    }

    /// The first half of the computation: the walk along every ring into `scratch`'s accumulators
    /// over the polygon's bounding box clipped to the grid, which it returns (nil when the polygon
    /// misses the grid). `scratch.forEachRow` then yields the fractions row by row.
    public static func accumulate(_ polygons: [[[Point]]], width: Int, height: Int, scratch: inout Scratch) -> Extent? {
        // Bounding box, in cells, clipped to the grid.
        var lo = Point(.infinity, .infinity), hi = Point(-.infinity, -.infinity)
        for p in polygons { for v in p.first ?? [] { lo = pointwiseMin(lo, v); hi = pointwiseMax(hi, v) } }
        guard lo.x < hi.x, lo.y < hi.y else { return nil }
        let c0 = max(0, Int(lo.x.rounded(.down))), c1 = min(width, Int(hi.x.rounded(.up)))
        let r0 = max(0, Int(lo.y.rounded(.down))), r1 = min(height, Int(hi.y.rounded(.up)))
        guard c0 < c1, r0 < r1 else { return nil }
        let bw = c1 - c0, bh = r1 - r0
        scratch.exact.removeAll(keepingCapacity: true)
        scratch.carry.removeAll(keepingCapacity: true)
        var box = Box(c0: c0, r0: r0, bw: bw, bh: bh, exact: scratch.exact, carry: scratch.carry)
        scratch.exact = []
        scratch.carry = []
        for polygon in polygons {
            for (k, ring) in polygon.enumerated() where ring.count >= 3 {
                // Outer rings count positive, holes negative, whatever their stored order.
                let sign = (signedArea(ring) >= 0) == (k == 0) ? 1.0 : -1.0
                box.addRing(ring, sign: sign)
            }
        }
        scratch.exact = box.exact
        scratch.carry = box.carry
        group(scratch.exact, rows: bh, into: &scratch.exactByRow, starts: &scratch.exactStart)
        group(scratch.carry, rows: bh, into: &scratch.carryByRow, starts: &scratch.carryStart)
        return Extent(col: c0, row: r0, width: bw, height: bh)
    }

    /// `terms` grouped by row (a stable counting sort): row r's terms are
    /// `sorted[starts[r]..<starts[r + 1]]`, in their original order.
    static func group(_ terms: [Term], rows: Int, into sorted: inout [Term], starts: inout [Int]) {
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: rows + 2))
        for t in terms { starts[Int(t.row) + 2] += 1 }
        for r in 2..<(rows + 2) { starts[r] += starts[r - 1] }
        sorted.removeAll(keepingCapacity: true)
        sorted.append(contentsOf: repeatElement(Term(row: 0, column: 0, value: 0), count: terms.count))
        for t in terms {
            sorted[starts[Int(t.row) + 1]] = t
            starts[Int(t.row) + 1] += 1
        }
        starts.removeLast()
    }

    /// Twice the signed area, sign only used: positive for rings clockwise in pixel space
    /// (v down), i.e. counter-clockwise on the map.
    static func signedArea(_ ring: [Point]) -> Double {
        var s = 0.0
        for i in ring.indices {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            s += (b.x - a.x) * (a.y + b.y)
        }
        return s
    }

    /// The bounding box's walk: the terms it finds, row by row in `Scratch` afterwards.
    struct Box {
        let c0, r0, bw, bh: Int
        var exact: [Term]
        var carry: [Term]

        /// Adds ∫ (clamp(v, r, r+1) − r) du of every edge (closing the ring), times `sign`.
        mutating func addRing(_ ring: [Point], sign: Double) {
            for i in ring.indices {
                let a = ring[i], b = ring[(i + 1) % ring.count]
                if a.x == b.x { continue }  // vertical: no du
                addEdge(a, b, sign: sign)
            }
        }

        /// One edge, split at the column and row lines it crosses.
        mutating func addEdge(_ a: Point, _ b: Point, sign: Double) {
            // Integrate in the direction of increasing u; going backwards flips the sign.
            let (p, q, s) = a.x < b.x ? (a, b, sign) : (b, a, -sign)
            let slope = (q.y - p.y) / (q.x - p.x)
            func v(_ u: Double) -> Double { u == p.x ? p.y : (u == q.x ? q.y : p.y + slope * (u - p.x)) }
            // Columns of the box the edge spans (parts left or right of the grid add nothing to it).
            let uStart = max(p.x, Double(c0)), uEnd = min(q.x, Double(c0 + bw))
            guard uStart < uEnd else { return }
            var u = uStart
            var col = Int(uStart.rounded(.down))
            while u < uEnd {
                let next = min(uEnd, Double(col + 1))
                addPiece(u, next, v(u), v(next), column: col - c0, sign: s)
                u = next
                col += 1
            }
        }

        /// A piece of an edge inside one column, from (ua, va) to (ub, vb), split where v crosses
        /// a row line (walked in u order, no allocation).
        @inline(__always)
        mutating func addPiece(_ ua: Double, _ ub: Double, _ va: Double, _ vb: Double, column c: Int, sign s: Double) {
            let width = ub - ua
            guard width > 0 else { return }
            if va == vb || va.rounded(.down) == vb.rounded(.down) || max(va, vb) == min(va, vb).rounded(.down) + 1 {
                addSegment(ua, ub, va, vb, column: c, sign: s)
                return
            }
            let up = vb > va
            var line = up ? va.rounded(.down) + 1 : va.rounded(.up) - 1
            var u = ua, v = va
            while up ? line < vb : line > vb {
                let t = (line - va) / (vb - va)
                let uNext = ua + t * width
                addSegment(u, uNext, v, line, column: c, sign: s)
                u = uNext
                v = line
                line += up ? 1 : -1
            }
            addSegment(u, ub, v, vb, column: c, sign: s)
        }

        /// A segment within one row band: its exact term, and a full-height term for the rows above.
        @inline(__always)
        mutating func addSegment(_ u1: Double, _ u2: Double, _ v1: Double, _ v2: Double, column c: Int, sign s: Double) {
            let du = u2 - u1
            if du <= 0 { return }
            let mid = (v1 + v2) / 2
            let top = Double(r0), bottom = Double(r0 + bh)
            if mid <= top { return }  // above the box: it adds only to rows above the box
            if mid >= bottom {
                // Below the box: full height for every row of the box in this column (the term
                // that would end it at row bh lies past the box and is not kept).
                carry.append(Term(row: 0, column: Int32(c), value: s * du))
                return
            }
            let row = min(bh - 1, Int(mid.rounded(.down)) - r0)
            exact.append(Term(row: Int32(row), column: Int32(c), value: s * du * (mid - Double(r0 + row))))
            carry.append(Term(row: 0, column: Int32(c), value: s * du))
            carry.append(Term(row: Int32(row), column: Int32(c), value: -(s * du)))
        }
    }
}

extension CoverageFractions.Scratch {
    /// The second half: for each row of `extent` (as `accumulate` returned it, from the top),
    /// `body(r, f)` with `f[c]` the fraction of cell (extent.col + c, extent.row + r) the polygon
    /// covers, in [0, 1] (rounding noise of at most 1e-12 is 0, a sum above 1 is 1).
    public mutating func forEachRow(_ extent: CoverageFractions.Extent,
                                    _ body: (Int, UnsafeBufferPointer<Double>) throws -> Void) rethrows {
        let bw = extent.width
        if running.count < bw { running = [Double](repeating: 0, count: bw); pending = running; row = running }
        let carryStart = carryStart, exactStart = exactStart
        try exactByRow.withUnsafeBufferPointer { exact in
            try carryByRow.withUnsafeBufferPointer { carry in
                try running.withUnsafeMutableBufferPointer { running in
                    try pending.withUnsafeMutableBufferPointer { pending in
                        try row.withUnsafeMutableBufferPointer { row in
                            running.baseAddress!.update(repeating: 0, count: bw)
                            for r in 0..<extent.height {
                                // The row's full-height terms: summed per cell, then into the running sum.
                                let carried = carry[carryStart[r]..<carryStart[r + 1]]
                                for t in carried { pending[Int(t.column)] += t.value }
                                for t in carried {
                                    let c = Int(t.column)
                                    running[c] += pending[c]
                                    pending[c] = 0
                                }
                                for c in 0..<bw { row[c] = Self.clamp(running[c]) }
                                // Cells an edge crosses in this row: their own terms, summed, on top.
                                let own = exact[exactStart[r]..<exactStart[r + 1]]
                                for t in own { pending[Int(t.column)] += t.value }
                                for t in own {
                                    let c = Int(t.column)
                                    row[c] = Self.clamp(running[c] + pending[c])
                                }
                                for t in own { pending[Int(t.column)] = 0 }
                                try body(r, UnsafeBufferPointer(start: row.baseAddress!, count: bw))
                            }
                        }
                    }
                }
            }
        }
    }

    /// A cell's fraction from its sum: rounding noise of at most 1e-12 is 0, a sum above 1 is 1.
    @inline(__always)
    private static func clamp(_ f: Double) -> Double { f > 1e-12 ? min(f, 1) : 0 }
}
