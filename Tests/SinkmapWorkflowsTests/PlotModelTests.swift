import Foundation
import Testing
import TestSupport
@testable import SinkmapEngine
import SinkmapKernels
import SinkmapScene
@testable import SinkmapWorkflows

/// kNN, cross-validation and plot footprints, each against a hand computation.
@Suite struct PlotModelTests {
    /// One predictor, plots at 0, 1, 3 with AGB 10, 20, 40 (standardising scales every distance
    /// alike, so the weights' ratios are those of the raw distances).
    @Test func knnByHand() {
        let two = NearestNeighbours(predictors: [[0], [1], [3]], agb: [10, 20, 40], k: 2)
        // 1.5: distances 0.5 and 1.5 → weights 2 and 2/3 → (40 + 80/3) / (8/3) = 25.
        #expect(abs(two.predict([1.5]) - 25) < 1e-12)
        // 0.5: two plots at the same distance → the plain mean.
        #expect(abs(two.predict([0.5]) - 15) < 1e-12)
        // On a plot: that plot alone.
        #expect(two.predict([1]) == 20)
        let three = NearestNeighbours(predictors: [[0], [1], [3]], agb: [10, 20, 40], k: 3)
        // 2: distances 2, 1, 1 → weights 1/2, 1, 1 → (5 + 20 + 40) / 2.5 = 26.
        #expect(abs(three.predict([2]) - 26) < 1e-12)
        // Ties by plot order: at 2 the plots at 1 and 3 are equally near; plot 1 comes first.
        let one = NearestNeighbours(predictors: [[0], [1], [3]], agb: [10, 20, 40], k: 1)
        #expect(one.nearest([2]).map(\.index) == [1])
        #expect(one.predict([2]) == 20)
        // A predictor that does not vary adds no distance.
        let flat = NearestNeighbours(predictors: [[0, 5], [1, 5], [3, 5]], agb: [10, 20, 40], k: 2)
        #expect(abs(flat.predict([1.5, 5]) - 25) < 1e-12)
    }

    /// k = 1 at a plot's own predictors returns that plot's AGB; the k-d tree finds the same
    /// neighbours, in the same order, as a brute-force search (many ties on a coarse lattice).
    @Test func knnTreeMatchesBruteForce() {
        var g = SeededGenerator(seed: 77)
        let plots = (0..<300).map { _ in (0..<5).map { _ in Double(g.next() % 6) } }
        let agb = (0..<300).map { _ in uniform(&g, 0, 300) }
        let one = NearestNeighbours(predictors: plots, agb: agb, k: 1)
        var firstOfEach: [[Double]: Int] = [:]
        for (i, p) in plots.enumerated() where firstOfEach[p] == nil { firstOfEach[p] = i }
        for (i, p) in plots.enumerated() where firstOfEach[p] == i { #expect(one.predict(p) == agb[i]) }
        let distinct = (0..<200).map { i in (0..<5).map { Double($0 * 100 + i) + uniform(&g, 0, 1) } }
        let own = NearestNeighbours(predictors: distinct, agb: Array(agb.prefix(200)), k: 1)
        #expect((0..<200).allSatisfy { own.predict(distinct[$0]) == agb[$0] })

        let five = NearestNeighbours(predictors: plots, agb: agb, k: 5)
        for _ in 0..<200 {
            let q = (0..<5).map { _ in Double(g.next() % 7) - 0.5 * Double(g.next() % 2) }
            let z = (0..<5).map { (q[$0] - five.mean[$0]) / five.scale[$0] }
            let brute = plots.indices.map { i -> (Double, Int) in
                let d2 = (0..<5).reduce(0.0) { s, j in
                    let t = (plots[i][j] - five.mean[j]) / five.scale[j] - z[j]
                    return s + t * t
                }
                return (d2, i)
            }.sorted { $0 < $1 }.prefix(5).map { $0.1 }
            #expect(five.nearest(q).map(\.index) == brute)
        }
    }

    /// Folds partition the plots evenly and follow the seed; cross-validated predictions by hand:
    /// plots exactly on AGB = 2·H^1.5 are predicted exactly by the allometry fitted without them,
    /// and k = 1 kNN predicts each plot by the nearest plot of the other folds.
    @Test func crossValidationByHand() throws {
        let fold = Calibration.folds(count: 12, k: 3, seed: 5)
        #expect((0..<3).allSatisfy { f in fold.filter { $0 == f }.count == 4 })
        #expect(Calibration.folds(count: 12, k: 3, seed: 5) == fold)
        #expect(Calibration.folds(count: 12, k: 3, seed: 6) != fold)

        let heights: [Double] = [2, 3, 5, 7, 8, 11, 13, 17, 19, 23, 29, 31]
        let plots = heights.enumerated().map { i, h in
            UsablePlot(id: "p\(i)", agb: 2 * pow(h, 1.5), classIndex: 0,
                       predictors: PlotPredictors(height: h, heightMax: h, heightP95: h, ndviMean: 0.5, ndviMax: 0.8, landcover: 4))
        }
        let table = try ParameterTable(csv: """
            code,name,ecosystem,eps_max,ndvi_min,ndvi_max,agb_a,agb_b,root_shoot,c_above,c_below,c_soil,c_dead
            4,Forest,forest,0.692,0.023,0.747,10,1,0.24,60,14,90,5
            """, source: "test")
        var o = CalibrationOptions()
        o.folds = 3; o.seed = 5; o.minPlots = 3; o.k = 1
        let r = try Calibration.calibrate(plots: plots, skipped: [], table: table, carbonFraction: 0.47, options: o)
        #expect(r.fold == fold)
        for i in plots.indices {
            #expect(relativeDifference(r.predicted[.allometric]![i], plots[i].agb) < 1e-12)
            let others = plots.indices.filter { fold[$0] != fold[i] }
            let nearest = others.min { (abs(heights[$0] - heights[i]), $0) < (abs(heights[$1] - heights[i]), $1) }!
            #expect(relativeDifference(r.predicted[.knn]![i], plots[nearest].agb) < 1e-14)
        }
        guard case .success(let fit)? = r.fits[0] else { Issue.record("class not fitted"); return }
        #expect(abs(fit.a - 2) < 1e-12 && abs(fit.b - 1.5) < 1e-12 && fit.s2 < 1e-24)
    }

    /// Footprints on a MiniScene: a polygon over pixels 1 and 2 and half of pixel 3 of the first row
    /// (coverage-weighted height, max, p95, NDVI, majority class, by hand), and a circle whose
    /// fractions add up to πr² (the polygon standing for it has the circle's area).
    @Test func footprintPredictorsByHand() throws {
        let dir = TempDir("plot-footprints")
        let ps = PlotScene(seed: 1904, forestPlots: 0, grassPlots: 0)
        let x0 = MiniScene.originX, y0 = MiniScene.originY
        let scene = try ps.write(to: dir, extra: [
            (Fixtures.rectangle(x0 + 30, y0 - 30, x0 + 105, y0), ["poly", "100"]),
            ("POINT (\(x0 + 10.5 * 30) \(y0 - 7.5 * 30))", ["circle", "100"]),
        ])
        let prepared = try SceneValidator.prepare(try SceneParser.load(path: scene))
        let polygons = try PlotSource(path: dir.file("plots.gpkg"), agbField: "agb", idField: "id").read(grid: prepared.grid)
        let reader = PredictorReader(scene: prepared)
        let x = try reader.predictors(of: polygons[0]).get()
        let s = ps.scene, h = [1, 2, 3].map { ps.heights[$0]! }, f = [1.0, 1, 0.5]
        #expect(relativeDifference(x.height, (h[0] + h[1] + 0.5 * h[2]) / 2.5) < 1e-12)
        let sorted = h.sorted()
        #expect(x.heightMax == sorted[2])
        #expect(relativeDifference(x.heightP95, sorted[1] + 0.9 * (sorted[2] - sorted[1])) < 1e-12)
        let means = [1, 2, 3].map { i in (0..<12).reduce(0.0) { $0 + s.ndvi[$1][i] } / 12 }
        let maxes = [1, 2, 3].map { i in (0..<12).map { s.ndvi[$0][i] }.max()! }
        #expect(relativeDifference(x.ndviMean, zip(f, means).reduce(0) { $0 + $1.0 * $1.1 } / 2.5) < 1e-12)
        #expect(relativeDifference(x.ndviMax, zip(f, maxes).reduce(0) { $0 + $1.0 * $1.1 } / 2.5) < 1e-12)
        // Pixels 1, 2, 3 of row 0: classes 4, 10, 4 (weights 1 + 0.5 against 1).
        #expect([1, 2, 3].map { s.landcover[$0] } == [4, 10, 4] && x.landcover == 4)

        let circles = try PlotSource(path: dir.file("plots.gpkg"), agbField: "agb", idField: "id", radius: 40).read(grid: prepared.grid)
        let cells = reader.cells(of: circles[1])
        #expect(relativeDifference(cells.reduce(0) { $0 + $1.fraction } * 900, Double.pi * 1600) < 1e-9)
        #expect(cells.count == 9, "a 40 m circle around a pixel centre touches its 3 × 3 pixels of 30 m (the next ones lie 45 m away)")
        // Without a radius, a point's footprint is the one pixel containing it.
        #expect(reader.cells(of: polygons[1]).map(\.cell) == [7 * s.width + 10])
    }
}
