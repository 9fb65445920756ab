import Foundation
import GDALKit
import SinkmapKernels
import SinkmapScene
import SinkmapAccounting
import SinkmapEngine
import SinkmapBase

/// `sinkmap calibrate`: field plots → predictors on the scene's grid → the allometry fitted per
/// class and kNN imputation, both cross-validated over the same seeded folds.
public struct CalibrationOptions: Sendable {
    public enum Model: String, Sendable, CaseIterable { case allometric, knn }
    public var model: Model = .allometric
    public var folds = 10
    public var seed: UInt64 = 1
    public var target = 0.90
    public var minPlots = 10
    public var k = 5
    /// Codes of classes to fit besides those whose table rows have an allometry.
    public var classes: [Int] = []
    public var skipBad = false
    public init() {}
}

/// A plot that passed the checks.
public struct UsablePlot: Sendable {
    public var id: String
    public var agb: Double
    /// Index into the parameter table's classes.
    public var classIndex: Int
    public var predictors: PlotPredictors
}

public struct CalibrationResult: Sendable {
    public var plots: [UsablePlot]
    /// Plots left out with `--skip-bad`, by reason (ids).
    public var skipped: [(reason: BadPlot, ids: [String])]
    /// Per class of the table (its index): the fit on all plots, or why the class keeps its table values
    /// (nil for classes neither fitted nor asked for).
    public var fits: [Int: Result<AllometricFit, AllometricFit.Skip>]
    /// The fold of each plot (0-based).
    public var fold: [Int]
    /// Cross-validated predictions of each plot, per model.
    public var predicted: [CalibrationOptions.Model: [Double]]
    public var table: ParameterTable
}

public enum Calibration {
    /// Reads the plots and their predictors; refuses bad plots in one line (or skips them).
    public static func usablePlots(scene: PreparedScene, source: PlotSource, skipBad: Bool) throws
        -> (plots: [UsablePlot], skipped: [(reason: BadPlot, ids: [String])]) {
        let plots: [FieldPlot]
        plots = try source.read(grid: scene.grid)
        let reader = PredictorReader(scene: scene)
        var good: [UsablePlot] = []
        var bad: [BadPlot: [String]] = [:]
        for p in plots {
            guard let agb = p.agb, agb >= 0 else { bad[.badAGB, default: []].append(p.id); continue }
            let predictors: PlotPredictors
            switch try reader.predictors(of: p) {
            case .failure(let why): bad[why, default: []].append(p.id); continue
            case .success(let x): predictors = x
            }
            let code = p.classText.map { Int($0.trimmingCharacters(in: .whitespaces)) } ?? predictors.landcover
            guard let code, let c = scene.table.index(ofCode: code) else { bad[.noClass, default: []].append(p.id); continue }
            good.append(UsablePlot(id: p.id, agb: agb, classIndex: c, predictors: predictors))
        }
        let skipped = BadPlot.allCases.compactMap { r in bad[r].map { (reason: r, ids: $0) } }
        if !skipped.isEmpty && !skipBad {
            let total = skipped.reduce(0) { $0 + $1.ids.count }
            let parts = skipped.map { "\($0.ids.count) \($0.reason.rawValue) (\(PlotSource.ids($0.ids)))" }
            throw Refusal("\(source.path): \(total) of \(plots.count) plots cannot be used: \(parts.joined(separator: "; ")); fix them or use --skip-bad to leave them out")
        }
        return (good, skipped)
    }

    /// Fits, folds and cross-validated predictions.
    public static func calibrate(plots: [UsablePlot], skipped: [(reason: BadPlot, ids: [String])], table: ParameterTable,
                                 carbonFraction: Double, options o: CalibrationOptions) throws -> CalibrationResult {
        guard o.folds >= 2, o.folds <= plots.count else {
            throw Refusal("--folds must be between 2 and the number of usable plots (\(plots.count)); got \(o.folds)")
        }
        let fitted = Set(table.classes.indices.filter { table.classes[$0].hasAllometry || o.classes.contains(table.classes[$0].code) })
        let fits = fitClasses(plots, fitted: fitted, minPlots: o.minPlots)
        let fold = folds(count: plots.count, k: o.folds, seed: o.seed)
        var allometric = [Double](repeating: .nan, count: plots.count), knn = allometric
        for f in 0..<o.folds {
            let train = plots.indices.filter { fold[$0] != f }.map { plots[$0] }
            let test = plots.indices.filter { fold[$0] == f }
            let trainFits = fitClasses(train, fitted: fitted, minPlots: o.minPlots)
            let tree = NearestNeighbours(predictors: train.map(\.predictors.vector), agb: train.map(\.agb), k: min(o.k, train.count))
            for i in test {
                allometric[i] = predict(plots[i], fits: trainFits, table: table, carbonFraction: carbonFraction)
                knn[i] = tree.predict(plots[i].predictors.vector)
            }
        }
        return CalibrationResult(plots: plots, skipped: skipped, fits: fits, fold: fold,
                                 predicted: [.allometric: allometric, .knn: knn], table: table)
    }

    static func fitClasses(_ plots: [UsablePlot], fitted: Set<Int>, minPlots: Int) -> [Int: Result<AllometricFit, AllometricFit.Skip>] {
        var out: [Int: Result<AllometricFit, AllometricFit.Skip>] = [:]
        for c in fitted.sorted() {
            let mine = plots.filter { $0.classIndex == c }
            out[c] = AllometricFit.fit(heights: mine.map(\.predictors.height), agb: mine.map(\.agb), minPlots: minPlots)
        }
        return out
    }

    /// The allometric model's AGB for a plot: its class's fit, else the table's allometry, else
    /// the table's c_above / carbon fraction (what the map gives without lidar).
    public static func predict(_ p: UsablePlot, fits: [Int: Result<AllometricFit, AllometricFit.Skip>], table: ParameterTable,
                               carbonFraction: Double) -> Double {
        let c = table.classes[p.classIndex]
        if case .success(let f)? = fits[p.classIndex] { return AllometricFit.predict(a: f.a, b: f.b, height: p.predictors.height) }
        if let a = c.agbA, let b = c.agbB { return AllometricFit.predict(a: a, b: b, height: p.predictors.height) }
        return c.cAbove / carbonFraction
    }

    /// Fold of each of `count` plots: a Fisher–Yates shuffle of 0..<count with xoshiro256**
    /// seeded by `seed`, then the plot at shuffled position p goes to fold p mod k.
    public static func folds(count: Int, k: Int, seed: UInt64) -> [Int] {
        var rng = Xoshiro256(seed: seed)
        var perm = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, through: 1, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                perm.swapAt(i, j)
            }
        }
        var fold = [Int](repeating: 0, count: count)
        for (p, i) in perm.enumerated() { fold[i] = p % k }
        return fold
    }
}
