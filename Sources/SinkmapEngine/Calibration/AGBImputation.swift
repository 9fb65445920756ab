import SinkmapKernels
import SinkmapScene
import SinkmapBase

/// `models: {agb: knn}`: the map's AGB imputed per pixel from the scene's plots, where the
/// allometry would apply (a class with `agb_a`/`agb_b` and a canopy height). A pixel's
/// predictors are those of a one-pixel footprint: its height (clamp(H, 0, 100)) as mean,
/// maximum and 95th percentile, and its annual mean and maximum NDVI over its valid months; a
/// pixel without any valid NDVI month keeps the allometry. Its carbon follows from the AGB as
/// for the allometry: AGB·CF·(1 + root_shoot) + c_soil + c_dead.
public enum AGBImputation {
    /// The reference from the scene's `plots` (`Estimates.plots`; nil for the allometric model).
    /// Refused in one line: plots without canopy height or NDVI, or no plot.
    public static func reference(_ scene: PreparedScene, plots: [FieldPlot]) throws -> NearestNeighbours? {
        guard case .knn(let k) = scene.scene.options.agb else { return nil }
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
            throw Refusal("plots: \(scene.plotsPath ?? ""): the kNN reference plots must have every predictor: "
                                      + (parts.isEmpty ? "there are none" : parts.joined(separator: "; ")))
        }
        return NearestNeighbours(predictors: x, agb: y, k: k)
    }
}
