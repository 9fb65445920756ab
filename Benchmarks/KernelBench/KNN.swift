import SinkmapKernels
import TestSupport

/// kNN imputation as `run` does it (`models: {agb: knn}`): a 3000 × 3000 scene's pixels, each a
/// query of 5 predictors (height three times, annual mean and maximum NDVI), against 1000
/// reference plots with k = 5, through the k-d tree on one thread; the baseline is a brute-force
/// search (every plot's distance, the k best kept) over a 1/100 sample, in the same run.
/// Returns (seconds for the whole scene, tree queries/s, brute-force queries/s).
func knnBenchmark(seconds clock: () -> Double) -> (scene: Double, tree: Double, brute: Double) {
    var g = SeededGenerator(seed: 1000)
    func unit() -> Double { Double(g.next() >> 11) * 0x1p-53 }
    func features() -> [Double] {
        let h = 1 + 34 * unit(), mean = 0.2 + 0.5 * unit()
        return [h, h, h, mean, min(0.95, mean + 0.3 * unit())]
    }
    let plots = (0..<1000).map { _ in features() }
    let tree = NearestNeighbours(predictors: plots, agb: (0..<1000).map { _ in 20 + 300 * unit() }, k: 5)
    let query = KNNQuery(tree)
    let pixels = 3000 * 3000
    let x = UnsafeMutablePointer<Double>.allocate(capacity: 5)
    defer { x.deallocate() }
    var state: UInt64 = 7
    @inline(__always) func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
    @inline(__always) func pixel() {
        let h = 1 + 34 * next(), mean = 0.2 + 0.5 * next()
        x[0] = h; x[1] = h; x[2] = h; x[3] = mean; x[4] = min(0.95, mean + 0.3 * next())
    }
    var sum = 0.0
    let t0 = clock()
    for _ in 0..<pixels { pixel(); sum += tree.predict(UnsafePointer(x), query) }
    let scene = clock() - t0

    // Brute force over the standardised plots (the tree's own standardisation), k = 5 kept sorted.
    let z = plots.map { p in (0..<5).map { (p[$0] - tree.mean[$0]) / tree.scale[$0] } }.flatMap { $0 }
    var best = [Double](repeating: .infinity, count: 5)
    let sample = pixels / 100
    let t1 = clock()
    z.withUnsafeBufferPointer { z in
        for _ in 0..<sample {
            pixel()
            for j in 0..<5 { x[j] = (x[j] - tree.mean[j]) / tree.scale[j] }
            for r in 0..<5 { best[r] = .infinity }
            for i in 0..<1000 {
                var d2 = 0.0
                for j in 0..<5 { let t = z[i * 5 + j] - x[j]; d2 += t * t }
                if d2 < best[4] {
                    var at = 4
                    while at > 0, d2 < best[at - 1] { best[at] = best[at - 1]; at -= 1 }
                    best[at] = d2
                }
            }
            sum += best[0]
        }
    }
    let brute = clock() - t1
    if sum.isNaN { print("kNN checksum NaN") }
    return (scene, Double(pixels) / scene, Double(sample) / brute)
}
