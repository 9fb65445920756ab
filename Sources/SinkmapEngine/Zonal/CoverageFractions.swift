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
        var exact: [Double] = [], carry: [Double] = [], running: [Double] = [], row: [Double] = []
        public init() {}
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
        // exact[cell]: the piece terms; carry[row][col]: full-height terms (rows 0...bh), summed
        // down each column.
        func reset(_ a: inout [Double], _ n: Int) {
            if a.count < n { a = [Double](repeating: 0, count: n) } else { a.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: n) } }
        }
        reset(&scratch.exact, bw * bh)
        reset(&scratch.carry, bw * (bh + 1))
        scratch.exact.withUnsafeMutableBufferPointer { e in
            scratch.carry.withUnsafeMutableBufferPointer { f in
                let box = Box(c0: c0, r0: r0, bw: bw, bh: bh, exact: e.baseAddress!, carry: f.baseAddress!)
                for polygon in polygons {
                    for (k, ring) in polygon.enumerated() where ring.count >= 3 {
                        // Outer rings count positive, holes negative, whatever their stored order.
                        let sign = (signedArea(ring) >= 0) == (k == 0) ? 1.0 : -1.0
                        box.addRing(ring, sign: sign)
                    }
                }
            }
        }
        return Extent(col: c0, row: r0, width: bw, height: bh)
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

    /// The bounding box's accumulators.
    struct Box {
        let c0, r0, bw, bh: Int
        let exact: UnsafeMutablePointer<Double>
        let carry: UnsafeMutablePointer<Double>

        /// Adds ∫ (clamp(v, r, r+1) − r) du of every edge (closing the ring), times `sign`.
        func addRing(_ ring: [Point], sign: Double) {
            for i in ring.indices {
                let a = ring[i], b = ring[(i + 1) % ring.count]
                if a.x == b.x { continue }  // vertical: no du
                addEdge(a, b, sign: sign)
            }
        }

        /// One edge, split at the column and row lines it crosses.
        func addEdge(_ a: Point, _ b: Point, sign: Double) {
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
        func addPiece(_ ua: Double, _ ub: Double, _ va: Double, _ vb: Double, column c: Int, sign s: Double) {
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
        func addSegment(_ u1: Double, _ u2: Double, _ v1: Double, _ v2: Double, column c: Int, sign s: Double) {
            let du = u2 - u1
            if du <= 0 { return }
            let mid = (v1 + v2) / 2
            let top = Double(r0), bottom = Double(r0 + bh)
            if mid <= top { return }  // above the box: it adds only to rows above the box
            if mid >= bottom {
                // Below the box: full height for every row of the box in this column.
                carry[c] += s * du
                carry[bh * bw + c] -= s * du
                return
            }
            let row = min(bh - 1, Int(mid.rounded(.down)) - r0)
            exact[row * bw + c] += s * du * (mid - Double(r0 + row))
            carry[c] += s * du
            carry[row * bw + c] -= s * du
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
        if running.count < bw { running = [Double](repeating: 0, count: bw); row = running }
        try exact.withUnsafeBufferPointer { exact in
            try carry.withUnsafeBufferPointer { carry in
                try running.withUnsafeMutableBufferPointer { running in
                    try row.withUnsafeMutableBufferPointer { row in
                        running.baseAddress!.update(repeating: 0, count: bw)
                        for r in 0..<extent.height {
                            let e = exact.baseAddress! + r * bw, k = carry.baseAddress! + r * bw
                            for c in 0..<bw {
                                running[c] += k[c]
                                let f = running[c] + e[c]
                                row[c] = f > 1e-12 ? min(f, 1) : 0
                            }
                            try body(r, UnsafeBufferPointer(start: row.baseAddress!, count: bw))
                        }
                    }
                }
            }
        }
    }
}
