/// k-nearest-neighbour imputation of AGB (the multi-source national forest inventory way): a
/// target's AGB is the inverse-distance-weighted mean of the k reference plots nearest to it in
/// the predictor space, each predictor standardised by the reference plots' mean and standard
/// deviation (n − 1; a predictor that does not vary is left unscaled, so it adds no distance).
/// A distance of 0 takes that plot alone; equal distances are ordered by plot order.
/// The search goes through a k-d tree (median splits), so a query costs about log(plots);
/// `KNNQuery` holds a query's buffers, so a per-pixel loop allocates nothing.
public struct NearestNeighbours: Sendable {
    public let k: Int
    public let dimensions: Int
    public let mean: [Double], scale: [Double]
    /// The reference plots' standardised predictors (row-major, `dimensions` per plot; in plot
    /// order while the tree is built, then in tree order: row `m` is plot `order[m]`).
    var points: [Double]
    public let values: [Double]
    /// The k-d tree: `order` holds plot indices; node `lo..<hi` of more than `leafSize` plots
    /// splits at `mid = (lo + hi) / 2` along `axis[mid]`, the plots before `mid` not above it,
    /// those after not below; smaller nodes are leaves.
    var order: [Int]
    var axis: [Int]

    public var count: Int { values.count }

    /// `predictors[i]` and `agb[i]` of reference plot i; every row has the same length.
    public init(predictors: [[Double]], agb: [Double], k: Int) {
        precondition(!predictors.isEmpty && predictors.count == agb.count && k >= 1)
        self.k = min(k, predictors.count)
        let d = predictors[0].count, n = predictors.count
        dimensions = d
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 1, count: d)
        for j in 0..<d {
            let m = predictors.reduce(0) { $0 + $1[j] } / Double(n)
            mean[j] = m
            if n > 1 {
                let v = predictors.reduce(0) { $0 + ($1[j] - m) * ($1[j] - m) } / Double(n - 1)
                if v > 0 { scale[j] = v.squareRoot() }
            }
        }
        self.mean = mean
        self.scale = scale
        points = predictors.flatMap { row in (0..<d).map { (row[$0] - mean[$0]) / scale[$0] } }
        values = agb
        order = Array(0..<n)
        axis = [Int](repeating: 0, count: n)
        build(0, n, depth: 0)
        let standardised = points
        points = order.flatMap { i in standardised[(i * d)..<((i + 1) * d)] }
    }

    /// Subtrees of at most this many plots are leaves, scanned whole.
    static let leafSize = 16

    private mutating func build(_ lo: Int, _ hi: Int, depth: Int) {
        guard hi - lo > Self.leafSize else { return }
        let ax = depth % dimensions, mid = (lo + hi) / 2
        let pts = points, d = dimensions
        order[lo..<hi].sort { (pts[$0 * d + ax], $0) < (pts[$1 * d + ax], $1) }
        axis[mid] = ax
        build(lo, mid, depth: depth + 1)
        build(mid + 1, hi, depth: depth + 1)
    }

    /// Finds the k nearest plots to `x` (raw predictors, `dimensions` values) into `query`:
    /// `query.index[0..<k]`, `query.distance2[0..<k]` (squared standardised distances), nearest
    /// first, ties by plot index. A depth-first search with an explicit stack, the near side of
    /// each split first; a subtree is skipped when a lower bound of its squared distance exceeds
    /// the k-th best so far (equal distances are visited, so ties by index are seen). The bound
    /// is Arya and Mount's incremental distance: per stack entry the offset of the query from
    /// the subtree's cell along each axis, the far side of a split replacing its axis's offset
    /// by the distance to the split plane.
    public func search(_ x: UnsafePointer<Double>, _ query: KNNQuery) {
        let d = dimensions, q = query.q, best = query.index, bd = query.distance2
        for j in 0..<d { q[j] = (x[j] - mean[j]) / scale[j] }
        let off = query.offsets
        var found = 0, top = 1
        query.lo[0] = 0; query.hi[0] = order.count; query.bound[0] = 0
        for j in 0..<d { off[j] = 0 }
        points.withUnsafeBufferPointer { pts in
            order.withUnsafeBufferPointer { order in
                axis.withUnsafeBufferPointer { axis in
                    while top > 0 {
                        top -= 1
                        let lo = query.lo[top], hi = query.hi[top], rd = query.bound[top]
                        if hi <= lo || (found == k && rd > bd[k - 1]) { continue }
                        @inline(__always) func consider(_ m: Int) {
                            let p = pts.baseAddress! + m * d, i = order[m]  // points are stored in tree order
                            var d2 = 0.0
                            for j in 0..<d { let t = p[j] - q[j]; d2 += t * t }
                            if found < k || d2 < bd[k - 1] || (d2 == bd[k - 1] && i < best[k - 1]) {
                                var at = min(found, k - 1)
                                while at > 0, d2 < bd[at - 1] || (d2 == bd[at - 1] && i < best[at - 1]) {
                                    bd[at] = bd[at - 1]; best[at] = best[at - 1]; at -= 1
                                }
                                bd[at] = d2; best[at] = i
                                found = min(found + 1, k)
                            }
                        }
                        if hi - lo <= Self.leafSize {
                            for m in lo..<hi { consider(m) }
                            continue
                        }
                        let mid = (lo + hi) / 2, ax = axis[mid]
                        consider(mid)
                        let p = pts.baseAddress! + mid * d
                        let diff = q[ax] - p[ax]
                        let entry = off + top * d
                        let farBound = rd - entry[ax] * entry[ax] + diff * diff
                        // The far side below the near side on the stack; it inherits the offsets
                        // with its axis's replaced, the near side inherits them unchanged.
                        let near = off + (top + 1) * d
                        for j in 0..<d { near[j] = entry[j] }
                        entry[ax] = diff
                        if diff < 0 {
                            query.lo[top] = mid + 1; query.hi[top] = hi
                            query.lo[top + 1] = lo; query.hi[top + 1] = mid
                        } else {
                            query.lo[top] = lo; query.hi[top] = mid
                            query.lo[top + 1] = mid + 1; query.hi[top + 1] = hi
                        }
                        query.bound[top] = farBound; query.bound[top + 1] = rd
                        top += 2
                    }
                }
            }
        }
    }

    /// The imputed AGB at `x`: Σ wᵢ·AGBᵢ / Σ wᵢ with wᵢ = 1/dᵢ over the k nearest; the first plot
    /// at distance 0, when there is one, alone.
    public func predict(_ x: UnsafePointer<Double>, _ query: KNNQuery) -> Double {
        search(x, query)
        if query.distance2[0] == 0 { return values[query.index[0]] }
        var s = 0.0, w = 0.0
        for r in 0..<k {
            let inv = 1 / query.distance2[r].squareRoot()
            s += values[query.index[r]] * inv; w += inv
        }
        return s / w
    }

    /// The k nearest plots to `x`: (plot index, distance), nearest first, ties by plot index.
    public func nearest(_ x: [Double]) -> [(index: Int, distance: Double)] {
        let query = KNNQuery(self)
        x.withUnsafeBufferPointer { search($0.baseAddress!, query) }
        return (0..<k).map { (query.index[$0], query.distance2[$0].squareRoot()) }
    }

    /// `predict` for an array (allocates a query; per-pixel loops keep one `KNNQuery`).
    public func predict(_ x: [Double]) -> Double {
        let query = KNNQuery(self)
        return x.withUnsafeBufferPointer { predict($0.baseAddress!, query) }
    }
}

/// The buffers of one search (one per thread): the standardised query, the k best so far and
/// the search stack (a median-split tree of n plots is at most ⌈log₂ n⌉ + 1 deep, and the stack
/// holds at most one pending far side per level plus two).
public final class KNNQuery {
    let q: UnsafeMutablePointer<Double>
    public let index: UnsafeMutablePointer<Int>
    public let distance2: UnsafeMutablePointer<Double>
    let lo: UnsafeMutablePointer<Int>, hi: UnsafeMutablePointer<Int>, bound: UnsafeMutablePointer<Double>
    /// `dimensions` offsets per stack entry.
    let offsets: UnsafeMutablePointer<Double>

    public init(_ tree: NearestNeighbours) {
        q = .allocate(capacity: tree.dimensions)
        index = .allocate(capacity: tree.k)
        distance2 = .allocate(capacity: tree.k)
        let depth = 2 * (Int.bitWidth - tree.count.leadingZeroBitCount) + 4
        lo = .allocate(capacity: depth); hi = .allocate(capacity: depth); bound = .allocate(capacity: depth)
        offsets = .allocate(capacity: depth * tree.dimensions)
    }

    deinit {
        q.deallocate(); index.deallocate(); distance2.deallocate()
        lo.deallocate(); hi.deallocate(); bound.deallocate(); offsets.deallocate()
    }
}
