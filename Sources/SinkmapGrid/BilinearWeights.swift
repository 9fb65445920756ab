import GDALKit

/// The bilinear weights of every pixel of a target window in one source raster, as GDAL's
/// warper computes them (`gdalwarp -r bilinear -et 0`, GDAL 3.6): computed once per window
/// and source grid, then applied to every band of every input on that source grid.
///
/// For a pixel centre at source pixel/line (x, y), 0.5 being the first pixel's centre:
/// - the pixel has a value only if the centre lies in the source: 0 ≤ x, 0 ≤ y,
///   x + 1e-10 ≤ width, y + 1e-10 ≤ height; the source pixel holding it is
///   (⌊x + 1e-10⌋, ⌊y + 1e-10⌋), clamped to the last column and row;
/// - the 2 × 2 neighbourhood starts at column i = ⌊x − 0.5⌋ with weight rx = 1.5 − (x − i)
///   for column i and 1 − rx for column i + 1 (likewise rows); i = −1 (a centre in the outer
///   half of the first column) becomes i = 0 with rx = 1;
/// - neighbours beyond the source's last column or row are left out, and so are, band by
///   band, nodata neighbours; the value is Σ w·v / Σ w over the rest, or nodata when
///   Σ w < 1e-5 (`BilinearSource` applies this and GDAL's unified nodata rule).
final class BilinearWeights {
    /// The target window and lattice these weights are for.
    private(set) var window = Window(width: 0, height: 0)
    private(set) var latticeID: UInt64 = 0
    /// The source pixels the window needs (nil when no pixel falls in the source).
    private(set) var source: Window?
    private(set) var capacity = 0
    /// Index in `source` of the top-left neighbour; −1 when the pixel has no value.
    private(set) var base: UnsafeMutablePointer<Int>
    /// Index in `source` of the source pixel holding the pixel centre.
    private(set) var holding: UnsafeMutablePointer<Int>
    /// Weight of the left column and of the top row.
    private(set) var rx, ry: UnsafeMutablePointer<Double>
    /// Bit 0: the right column exists; bit 1: the bottom row exists.
    private(set) var edges: UnsafeMutablePointer<UInt8>
    /// The four neighbours as offsets from `base` (0 for one beyond the source's edge) and
    /// their weights (0 beyond the edge): top-left, top-right, bottom-left, bottom-right.
    private(set) var o1, o2, o3: UnsafeMutablePointer<Int>
    private(set) var w0, w1, w2, w3: UnsafeMutablePointer<Double>
    /// 1 / Σ weights of the neighbours inside the source (1 when that sum is 1).
    private(set) var scale: UnsafeMutablePointer<Double>
    private var cx, cy: UnsafeMutablePointer<Double>
    /// Per pixel: 0 exact weights not computed, 1 computed, 2 not available.
    private var exactState: UnsafeMutablePointer<UInt8>
    private var exactBase: UnsafeMutablePointer<Int>
    private var exactRx, exactRy: UnsafeMutablePointer<Double>
    private var exactEdges: UnsafeMutablePointer<UInt8>

    static let rightExists: UInt8 = 1
    static let bottomExists: UInt8 = 2

    init() {
        base = .allocate(capacity: 0)
        holding = .allocate(capacity: 0)
        rx = .allocate(capacity: 0)
        ry = .allocate(capacity: 0)
        edges = .allocate(capacity: 0)
        cx = .allocate(capacity: 0)
        cy = .allocate(capacity: 0)
        exactState = .allocate(capacity: 0)
        exactBase = .allocate(capacity: 0)
        exactRx = .allocate(capacity: 0)
        exactRy = .allocate(capacity: 0)
        exactEdges = .allocate(capacity: 0)
        o1 = .allocate(capacity: 0)
        o2 = .allocate(capacity: 0)
        o3 = .allocate(capacity: 0)
        w0 = .allocate(capacity: 0)
        w1 = .allocate(capacity: 0)
        w2 = .allocate(capacity: 0)
        w3 = .allocate(capacity: 0)
        scale = .allocate(capacity: 0)
    }

    deinit { release() }

    private func release() {
        base.deallocate()
        holding.deallocate()
        rx.deallocate()
        ry.deallocate()
        edges.deallocate()
        cx.deallocate()
        cy.deallocate()
        exactState.deallocate()
        exactBase.deallocate()
        exactRx.deallocate()
        exactRy.deallocate()
        exactEdges.deallocate()
        o1.deallocate()
        o2.deallocate()
        o3.deallocate()
        w0.deallocate()
        w1.deallocate()
        w2.deallocate()
        w3.deallocate()
        scale.deallocate()
    }

    /// Grows the buffers (only when a larger window than any before is asked for).
    private func reserve(_ n: Int) {
        guard n > capacity else { return }
        release()
        base = .allocate(capacity: n)
        holding = .allocate(capacity: n)
        rx = .allocate(capacity: n)
        ry = .allocate(capacity: n)
        edges = .allocate(capacity: n)
        cx = .allocate(capacity: n)
        cy = .allocate(capacity: n)
        exactState = .allocate(capacity: n)
        exactBase = .allocate(capacity: n)
        exactRx = .allocate(capacity: n)
        exactRy = .allocate(capacity: n)
        exactEdges = .allocate(capacity: n)
        o1 = .allocate(capacity: n)
        o2 = .allocate(capacity: n)
        o3 = .allocate(capacity: n)
        w0 = .allocate(capacity: n)
        w1 = .allocate(capacity: n)
        w2 = .allocate(capacity: n)
        w3 = .allocate(capacity: n)
        scale = .allocate(capacity: n)
        capacity = n
    }

    /// A pixel centre's neighbourhood by GDAL's rules; nil when the centre is outside the source.
    struct Neighbourhood {
        var i, j: Int        // top-left neighbour (global source column and row)
        var hx, hy: Int      // the source pixel holding the centre
        var rx, ry: Double
        var edges: UInt8
    }

    @inline(__always)
    static func neighbourhood(_ x: Double, _ y: Double, _ width: Int, _ height: Int) -> Neighbourhood? {
        // Comparisons are false for NaN, so a point PROJ could not transform is outside.
        guard x >= 0, y >= 0, x + 1e-10 <= Double(width), y + 1e-10 <= Double(height) else { return nil }
        var i = Int((x - 0.5).rounded(.down)), j = Int((y - 0.5).rounded(.down))
        var rx = 1.5 - (x - Double(i)), ry = 1.5 - (y - Double(j))
        if i == -1 { i = 0; rx = 1 }
        if j == -1 { j = 0; ry = 1 }
        let edges = (i + 1 < width ? rightExists : 0) | (j + 1 < height ? bottomExists : 0)
        return Neighbourhood(i: i, j: j, hx: min(Int(x + 1e-10), width - 1), hy: min(Int(y + 1e-10), height - 1),
                             rx: rx, ry: ry, edges: edges)
    }

    /// Computes the weights of `w` for a source of `width` × `height` pixels, unless they
    /// are already those of this window and lattice.
    func update(window w: Window, lattice: TransformLattice, sourceWidth width: Int, sourceHeight height: Int,
                transform: CoordinateTransform, nodes: Points) {
        if latticeID == lattice.id && window == w { return }
        let n = w.pixelCount
        reserve(n)
        lattice.coordinates(window: w, transform: transform, nodes: nodes, x: cx, y: cy)
        var c0 = Int.max, r0 = Int.max, c1 = Int.min, r1 = Int.min
        for p in 0..<n {
            // GDAL decides from the exact coordinate which source pixel holds the centre (its
            // unified nodata rule looks there) and whether the centre is in the source at all.
            // Where the lattice's coordinate lies within its error of such a line, the exact
            // coordinate decides (one PROJ call, for a few pixels in 10⁵).
            if BilinearWeights.nearDecisionLine(cx[p], width) || BilinearWeights.nearDecisionLine(cy[p], height) {
                let e = BilinearWeights.exactCoordinate(col: w.col + p % w.width, row: w.row + p / w.width,
                                                        lattice: lattice, transform: transform)
                cx[p] = e.x
                cy[p] = e.y
            }
            guard let h = BilinearWeights.neighbourhood(cx[p], cy[p], width, height) else {
                base[p] = -1
                continue
            }
            rx[p] = h.rx
            ry[p] = h.ry
            edges[p] = h.edges
            // Global indices for now; made relative to the source window below.
            base[p] = h.j * width + h.i
            holding[p] = h.hy * width + h.hx
            c0 = min(c0, h.i, h.hx)
            r0 = min(r0, h.j, h.hy)
            c1 = max(c1, h.i + 1, h.hx)
            r1 = max(r1, h.j + 1, h.hy)
        }
        window = w
        latticeID = lattice.id
        exactContext = (lattice, transform, width, height)
        exactState.update(repeating: 0, count: n)
        guard c0 <= c1 else {
            source = nil
            return
        }
        let s = Window(col: c0, row: r0, width: min(c1, width - 1) - c0 + 1, height: min(r1, height - 1) - r0 + 1)
        source = s
        for p in 0..<n where base[p] >= 0 {
            let b = base[p], h = holding[p]
            base[p] = (b / width - s.row) * s.width + (b % width - s.col)
            holding[p] = (h / width - s.row) * s.width + (h % width - s.col)
            let right = edges[p] & BilinearWeights.rightExists != 0, below = edges[p] & BilinearWeights.bottomExists != 0
            let x = rx[p], y = ry[p]
            w0[p] = x * y
            w1[p] = right ? (1 - x) * y : 0
            w2[p] = below ? x * (1 - y) : 0
            w3[p] = right && below ? (1 - x) * (1 - y) : 0
            o1[p] = right ? 1 : 0
            o2[p] = below ? s.width : 0
            o3[p] = right && below ? s.width + 1 : 0
            var div = w0[p]
            if right { div += w1[p] }
            if below { div += w2[p] }
            if right && below { div += w3[p] }
            scale[p] = div == 1 ? 1 : 1 / div
        }
    }

    private var exactContext: (lattice: TransformLattice, transform: CoordinateTransform, width: Int, height: Int)?

    /// Whether a source coordinate lies within ten times the lattice's error bound of a line
    /// where GDAL's decision changes: a pixel edge (the pixel holding the centre, 1e-10
    /// included) or the source's edge.
    @inline(__always)
    static func nearDecisionLine(_ x: Double, _ size: Int) -> Bool {
        let margin = 10 * TransformLattice.tolerance
        let d = x + 1e-10
        return abs(d - d.rounded()) < margin || abs(x - Double(size)) < margin
    }

    /// The exact source pixel/line of target pixel (col, row)'s centre (one PROJ call).
    static func exactCoordinate(col: Int, row: Int, lattice: TransformLattice, transform ct: CoordinateTransform) -> (x: Double, y: Double) {
        let g = lattice.target.transform.apply(col: Double(col) + 0.5, row: Double(row) + 0.5)
        var x = g.x, y = g.y, z = 0.0
        var ok: Int32 = 0
        ct.transform(x: &x, y: &y, z: &z, success: &ok, count: 1)
        guard ok != 0 else { return (.nan, .nan) }
        let q = lattice.sourceInverse.apply(col: x, row: y)
        return (q.x, q.y)
    }

    /// The weights of pixel `p` from its exact coordinate (one PROJ call), for pixels where
    /// GDAL's renormalisation over the valid neighbours is ill-conditioned (a nodata
    /// neighbour: two small weights divided by their sum magnify a coordinate error).
    /// Computed once per pixel and window. Nil when the exact neighbourhood is not the
    /// lattice's one shifted within the source window (the lattice's weights then stand).
    func exact(_ p: Int) -> (base: Int, rx: Double, ry: Double, edges: UInt8)? {
        if exactState[p] == 1 { return (exactBase[p], exactRx[p], exactRy[p], exactEdges[p]) }
        if exactState[p] == 2 { return nil }
        exactState[p] = 2
        guard let (lattice, ct, width, height) = exactContext, let s = source else { return nil }
        let q = BilinearWeights.exactCoordinate(col: window.col + p % window.width, row: window.row + p / window.width,
                                                lattice: lattice, transform: ct)
        guard let h = BilinearWeights.neighbourhood(q.x, q.y, width, height),
              h.i >= s.col, h.j >= s.row, h.i + (h.edges & BilinearWeights.rightExists != 0 ? 1 : 0) < s.colEnd,
              h.j + (h.edges & BilinearWeights.bottomExists != 0 ? 1 : 0) < s.rowEnd,
              (h.hy - s.row) * s.width + (h.hx - s.col) == holding[p] else { return nil }
        exactState[p] = 1
        exactBase[p] = (h.j - s.row) * s.width + (h.i - s.col)
        exactRx[p] = h.rx
        exactRy[p] = h.ry
        exactEdges[p] = h.edges
        return (exactBase[p], h.rx, h.ry, h.edges)
    }
}
