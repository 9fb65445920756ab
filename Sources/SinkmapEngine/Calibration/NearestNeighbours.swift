/// k-nearest-neighbour imputation of AGB (the multi-source national forest inventory way): a
/// target's AGB is the inverse-distance-weighted mean of the k reference plots nearest to it in
/// the predictor space, each predictor standardised by the reference plots' mean and standard
/// deviation (n − 1; a predictor that does not vary is left unscaled, so it adds no distance).
/// A distance of 0 takes that plot alone; equal distances are ordered by plot order.
/// The search goes through a k-d tree, so each query costs about log(plots).
public struct NearestNeighbours: Sendable {
    public let k: Int
    public let dimensions: Int
    public let mean: [Double], scale: [Double]
    /// The reference plots' standardised predictors (row-major, `dimensions` per plot) and AGB.
    let points: [Double]
    let values: [Double]
    /// The k-d tree: `order` holds plot indices; node `lo..<hi` splits at its median along
    /// `axis[mid]`.
    var order: [Int]
    var axis: [Int]

    /// `predictors[i]` and `agb[i]` of reference plot i; every row has the same length.
    public init(predictors: [[Double]], agb: [Double], k: Int) {
        precondition(!predictors.isEmpty && predictors.count == agb.count && k >= 1)
        self.k = k
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
    }

    private mutating func build(_ lo: Int, _ hi: Int, depth: Int) {
        guard hi - lo > 1 else { if hi > lo { axis[lo] = depth % dimensions }; return }
        let ax = depth % dimensions, mid = (lo + hi) / 2
        let pts = points
        order[lo..<hi].sort { (pts[$0 * dimensions + ax], $0) < (pts[$1 * dimensions + ax], $1) }
        axis[mid] = ax
        build(lo, mid, depth: depth + 1)
        build(mid + 1, hi, depth: depth + 1)
    }

    /// The k nearest reference plots to `x` (raw predictors): (plot index, distance), nearest
    /// first, ties by plot index.
    public func nearest(_ x: [Double]) -> [(index: Int, distance: Double)] {
        let q = (0..<dimensions).map { (x[$0] - mean[$0]) / scale[$0] }
        var best: [(index: Int, d2: Double)] = []
        best.reserveCapacity(k + 1)
        func consider(_ i: Int) {
            var d2 = 0.0
            for j in 0..<dimensions { let t = points[i * dimensions + j] - q[j]; d2 += t * t }
            if best.count == k, let last = best.last, (d2, i) >= (last.d2, last.index) { return }
            var at = best.count
            while at > 0, (d2, i) < (best[at - 1].d2, best[at - 1].index) { at -= 1 }
            best.insert((i, d2), at: at)
            if best.count > k { best.removeLast() }
        }
        func search(_ lo: Int, _ hi: Int) {
            guard hi > lo else { return }
            let mid = (lo + hi) / 2, i = order[mid], ax = axis[mid]
            let diff = q[ax] - points[i * dimensions + ax]
            let (near, far) = diff < 0 ? ((lo, mid), (mid + 1, hi)) : ((mid + 1, hi), (lo, mid))
            consider(i)
            search(near.0, near.1)
            // The far side can hold a point at distance |diff| or more (≥ so that ties by index are seen).
            if best.count < k || diff * diff <= best.last!.d2 { search(far.0, far.1) }
        }
        search(0, order.count)
        return best.map { ($0.index, $0.d2.squareRoot()) }
    }

    /// The imputed AGB at `x`: Σ wᵢ·AGBᵢ / Σ wᵢ with wᵢ = 1/dᵢ over the k nearest; the first plot
    /// at distance 0, when there is one, alone.
    public func predict(_ x: [Double]) -> Double {
        let near = nearest(x)
        if let exact = near.first(where: { $0.distance == 0 }) { return values[exact.index] }
        var s = 0.0, w = 0.0
        for (i, d) in near { s += values[i] / d; w += 1 / d }
        return s / w
    }
}
