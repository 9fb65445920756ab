import SinkmapKernels
import SinkmapScene

/// `models: {agb: knn}`: the map's AGB imputed per pixel from the scene's plots, where the
/// allometry would apply (a class with `agb_a`/`agb_b` and a canopy height). A pixel's
/// predictors are those of a one-pixel footprint: its height (clamp(H, 0, 100)) as mean,
/// maximum and 95th percentile, and its annual mean and maximum NDVI over its valid months; a
/// pixel without any valid NDVI month keeps the allometry. Its carbon follows from the AGB as
/// for the allometry: AGB·CF·(1 + root_shoot) + c_soil + c_dead.
public enum AGBImputation {
    /// The reference plots (nil for the allometric model). Refused in one line: plots outside
    /// the grid, with a missing or negative AGB, without canopy height or NDVI, or no plot.
    public static func reference(_ scene: PreparedScene) throws -> NearestNeighbours? {
        guard case .knn(let k) = scene.scene.options.agb else { return nil }
        let plots = try Estimates.plots(scene)
        let reader = PredictorReader(scene: scene)
        var x: [[Double]] = [], y: [Double] = []
        var bad: [BadPlot: [String]] = [:]
        for p in plots {
            switch try reader.predictors(of: p) {
            case .success(let v): x.append(v.vector); y.append(p.agb!)
            case .failure(let why): bad[why, default: []].append(p.id)
            }
        }
        let parts = BadPlot.allCases.compactMap { r in bad[r].map { "\($0.count) \(r.rawValue) (\(PlotSource.ids($0)))" } }
        if !parts.isEmpty || x.isEmpty {
            throw PlotSource.Refusal(message: "plots: \(scene.plotsPath ?? ""): the kNN reference plots must have every predictor: "
                                      + (parts.isEmpty ? "there are none" : parts.joined(separator: "; ")))
        }
        return NearestNeighbours(predictors: x, agb: y, k: k)
    }
}

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
