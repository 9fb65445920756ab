import Foundation
import GDALKit
import Testing
import TestSupport

/// `models: {agb: knn}` in `run`: every forest pixel with a height gets the AGB of its nearest
/// plot (k = 1) by a brute-force search written here, plots' own pixels their own AGB, and the
/// carbon that follows from it; grassland keeps the table's pools.
@Suite struct KNNRunTests {
    @Test func knnMapByBruteForce() throws {
        let dir = TempDir("knn-run")
        var ps = PlotScene(seed: 1908, forestPlots: 0, grassPlots: 0)
        let s = ps.scene
        var g = SeededGenerator(seed: 88)
        let forest = (0..<s.n).filter { s.landcover[$0] == 4 && ps.heights[$0] != nil }
        let plotPixels = stride(from: 0, to: forest.count, by: 7).map { forest[$0] }
        ps.plots = plotPixels.enumerated().map { k, i in ("K\(k)", i, "\(uniform(&g, 50, 400))") }
        let scene = try ps.write(to: dir)
        try (String(contentsOfFile: scene, encoding: .utf8)
             + "plots: {path: plots.gpkg, agb: agb, id: id}\nmodels: {agb: knn, knn_k: 1}\n")
            .write(toFile: scene, atomically: true, encoding: .utf8)
        let r = try sinkmap("run", scene, "--out", dir.file("out"), "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: dir.file("out/summary.json"), encoding: .utf8).contains("\"agb_model\" : \"knn (k 1)\""))
        let agb = try EstimatesTests.readAGB(dir.file("out/agb.tif"), count: s.n)
        let carbon = try EstimatesTests.readBand(dir.file("out/carbon.tif"), count: s.n)

        // A pixel's predictors: its height three times, its annual mean and maximum NDVI.
        func features(_ i: Int) -> [Double] {
            let h = ps.heights[i]!, v = (0..<12).map { s.ndvi[$0][i] }
            return [h, h, h, v.reduce(0, +) / 12, v.max()!]
        }
        let reference = plotPixels.map(features)
        let n = Double(reference.count)
        let mean = (0..<5).map { j in reference.reduce(0) { $0 + $1[j] } / n }
        let sd = (0..<5).map { j in (reference.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / (n - 1)).squareRoot() }
        var checked = 0
        for i in forest {
            let x = features(i)
            let d2 = reference.map { p in (0..<5).reduce(0.0) { $0 + pow((p[$1] - x[$1]) / sd[$1], 2) } }
            let nearest = d2.indices.min { (d2[$0], $0) < (d2[$1], $1) }!
            let want = Double(ps.plots[nearest].agb)!
            #expect(agb[i] == Float(want), "pixel \(i): \(agb[i]) vs plot \(ps.plots[nearest].id) \(want)")
            let c = want * 0.47 * 1.24 + 95
            #expect(abs(Double(carbon[i]) - c) <= 1e-6 * c, "pixel \(i): carbon \(carbon[i]) vs \(c)")
            checked += 1
        }
        #expect(checked > 100)
        for (k, i) in plotPixels.enumerated() { #expect(agb[i] == Float(Double(ps.plots[k].agb)!)) }
        for i in 0..<s.n where s.landcover[i] == 10 { #expect(agb[i] == Float(3 / 0.47)) }
    }
}

extension EstimatesTests {
    /// Band 1 of an output raster, nodata as NaN.
    static func readBand(_ path: String, count: Int) throws -> [Float] { try readAGB(path, count: count) }
}
