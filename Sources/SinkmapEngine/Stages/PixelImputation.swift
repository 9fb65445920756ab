import SinkmapKernels

/// One worker's kNN state inside `TileKernel`: the query buffers and the per-class factors.
final class PixelImputation {
    let tree: NearestNeighbours
    let query: KNNQuery
    let features: UnsafeMutablePointer<Double>
    /// Per class: CF·(1 + root_shoot), and c_soil + c_dead.
    let carbonPerAGB: [Double], fixedPools: [Double]

    init(tree: NearestNeighbours, table: ParameterTable, carbonFraction cf: Double) {
        self.tree = tree
        query = KNNQuery(tree)
        features = .allocate(capacity: tree.dimensions)
        carbonPerAGB = table.classes.map { cf * (1 + $0.rootShoot) }
        fixedPools = table.classes.map { $0.cSoil + $0.cDead }
    }

    deinit { features.deallocate() }

    /// Replaces AGB and carbon of the pixels the allometry mapped (class with allometry, height
    /// present) that have a valid NDVI month.
    func run(classIndex: UnsafePointer<Int32>, hasAllometry: [Bool], height: UnsafePointer<Float>, ndvi: UnsafePointer<Float>,
             agb: UnsafeMutablePointer<Float>, carbon: UnsafeMutablePointer<Float>, count n: Int) {
        let x = features
        hasAllometry.withUnsafeBufferPointer { allometry in
            carbonPerAGB.withUnsafeBufferPointer { perAGB in
                fixedPools.withUnsafeBufferPointer { fixed in
                    for i in 0..<n {
                        let c = Int(classIndex[i])
                        guard c >= 0, allometry[c], !height[i].isNaN else { continue }
                        var sum = 0.0, top = -Double.infinity, months = 0
                        for m in 0..<12 {
                            let v = ndvi[m * n + i]
                            if !v.isNaN { sum += Double(v); top = max(top, Double(v)); months += 1 }
                        }
                        guard months > 0 else { continue }
                        let h = min(max(Double(height[i]), 0), 100)
                        x[0] = h; x[1] = h; x[2] = h; x[3] = sum / Double(months); x[4] = top
                        let a = tree.predict(UnsafePointer(x), query)
                        agb[i] = Float(a)
                        carbon[i] = Float(a * perAGB[c] + fixed[c])
                    }
                }
            }
        }
    }
}
