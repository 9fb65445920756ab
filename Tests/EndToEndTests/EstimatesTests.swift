import Foundation
import GDALKit
import Testing
import TestSupport
@testable import SinkmapEngine

/// `estimates.csv` against an independent computation of the difference estimator: unit totals
/// from the run's own agb.tif (units are whole pixels here), residuals at the plots' pixels, the
/// t quantile by numerical integration of Student's density.
@Suite struct EstimatesTests {
    /// Unit A (columns 0–3) gets 3 plots and borrows the region's residuals; unit B gets 12.
    static func plotPixels(_ s: MiniScene) -> [Int] {
        let a = [0, 17, 41].map { ($0 / 4) * s.width + $0 % 4 }
        let b = (0..<12).map { k in (1 + k) * s.width + 5 + (k * 7) % 15 }
        return a + b
    }

    static func readAGB(_ path: String, count: Int) throws -> [Float] {
        let ds = try Dataset(path: path)
        let info = try ds.bandInfo(1)
        var v = [Float](repeating: 0, count: count)
        try v.withUnsafeMutableBufferPointer {
            try ds.read(band: 1, window: try ds.grid().window, nodata: info.nodata, into: $0.baseAddress!)
        }
        return v
    }

    func runWithPlots(_ dir: TempDir, _ ps: PlotScene, out: String) throws -> [[String]] {
        let scene = try ps.write(to: dir)
        var text = try String(contentsOfFile: scene, encoding: .utf8)
        text += "plots: {path: plots.gpkg, agb: agb, id: id}\n"
        try text.write(toFile: scene, atomically: true, encoding: .utf8)
        let r = try sinkmap("run", scene, "--out", dir.file(out), "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        return try String(contentsOfFile: dir.file("\(out)/estimates.csv"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func differenceEstimatorAgainstHandComputation() throws {
        let dir = TempDir("estimates")
        var ps = PlotScene(seed: 1905, forestPlots: 0, grassPlots: 0)
        let pixels = Self.plotPixels(ps.scene)
        var g = SeededGenerator(seed: 55)
        ps.plots = pixels.enumerated().map { k, i in ("P\(k)", i, "\(uniform(&g, 20, 300))") }
        let rows = try runWithPlots(dir, ps, out: "out")
        #expect(rows[0] == ["level", "unit_id", "unit_name", "quantity", "map_total", "plots", "residuals_from", "mean_residual",
                            "estimate", "se", "ci90_low", "ci90_high", "precision"])
        let s = ps.scene
        let agb = try Self.readAGB(dir.file("out/agb.tif"), count: s.n)
        let units = s.units()
        let pixelHa = 0.09
        func expected(_ members: [Int], residualsOf plotsFrom: [Int]) -> (map: Double, est: Double, se: Double, lo: Double, hi: Double, mean: Double) {
            let map = members.reduce(0.0) { $0 + (agb[$1].isNaN ? 0 : Double(agb[$1]) * pixelHa) }
            let area = Double(members.count) * pixelHa
            let e = plotsFrom.map { Double(ps.plots[$0].agb)! - Double(agb[ps.plots[$0].pixel]) }
            let n = Double(e.count), mean = e.reduce(0, +) / n
            let sd = (e.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
            let se = area * sd / n.squareRoot(), t = Self.tQuantile95(e.count - 1)
            let est = map + area * mean
            return (map, est, se, est - t * se, est + t * se, mean)
        }
        let inA = ps.plots.indices.filter { units["A"]!.contains(ps.plots[$0].pixel) }
        let inB = ps.plots.indices.filter { units["B"]!.contains(ps.plots[$0].pixel) }
        #expect(inA.count == 3 && inB.count == 12)
        let cases: [(level: String, id: String, members: [Int], plots: Int, from: String, residuals: [Int])] = [
            ("unit", "A", units["A"]!, 3, "region:R", inA + inB),
            ("unit", "B", units["B"]!, 12, "unit:B", inB),
            ("region", "R", Array(0..<s.n), 15, "region:R", inA + inB),
        ]
        for c in cases {
            let x = expected(c.members, residualsOf: c.residuals)
            for (quantity, f) in [("agb_t", 1.0), ("agb_carbon_tc", 0.47)] {
                let row = try #require(rows.first { $0[0] == c.level && $0[1] == c.id && $0[3] == quantity })
                #expect(row[5] == String(c.plots) && row[6] == c.from, "\(row)")
                let got = row[4...].enumerated().filter { [0, 3, 4, 5, 6, 7].contains($0.offset) }.map { Double($0.element)! }
                let want = [x.map, x.mean, x.est, x.se, x.lo, x.hi].map { $0 * f }
                for (gv, wv) in zip(got, want) { #expect(relativeDifference(gv, wv) < 1e-9, "\(c.id) \(quantity): \(got) vs \(want)") }
                #expect(relativeDifference(Double(row[12])!, (x.hi - x.est) / x.est) < 1e-9)
            }
        }
        let v = try sinkmap("validate", dir.file("scene.yaml"))
        #expect(v.status == 0 && v.stdout.contains("plots.gpkg, 15 plots, AGB from 'agb' → estimates.csv"), "\(v.stdout)")
        let summary = try String(contentsOfFile: dir.file("out/summary.json"), encoding: .utf8)
        #expect(summary.contains("estimates.csv"))
    }

    /// Plots whose AGB equals the map: every estimate equals its map total exactly, SE is 0.
    @Test func plotsOnTheMapChangeNothing() throws {
        let dir = TempDir("estimates-exact")
        var ps = PlotScene(seed: 1906, forestPlots: 0, grassPlots: 0)
        let scene0 = try ps.write(to: dir)
        let r0 = try sinkmap("run", scene0, "--out", dir.file("base"), "--quiet")
        try #require(r0.status == 0, "\(r0.stderr)")
        let agb = try Self.readAGB(dir.file("base/agb.tif"), count: ps.scene.n)
        ps.plots = Self.plotPixels(ps.scene).enumerated().map { k, i in ("P\(k)", i, "\(Double(agb[i]))") }
        let rows = try runWithPlots(dir, ps, out: "out").dropFirst()
        #expect(rows.count == 6)
        for row in rows {
            #expect(row[7] == "0.0" && row[8] == row[4] && row[9] == "0.0" && row[10] == row[4] && row[11] == row[4], "\(row)")
        }
    }

    /// A plot outside the grid or with a negative AGB stops the run before anything is written.
    @Test func badPlotsRefuseTheRun() throws {
        let dir = TempDir("estimates-bad")
        var ps = PlotScene(seed: 1907, forestPlots: 0, grassPlots: 0)
        ps.plots = Self.plotPixels(ps.scene).enumerated().map { k, i in ("P\(k)", i, k == 4 ? "-1" : "100") }
        let scene = try ps.write(to: dir, extra: [("POINT (0 0)", ["far", "10"])])
        try (String(contentsOfFile: scene, encoding: .utf8) + "plots: {path: plots.gpkg, agb: agb, id: id}\n")
            .write(toFile: scene, atomically: true, encoding: .utf8)
        let r = try sinkmap("run", scene, "--out", dir.file("out"))
        #expect(r.status == 1)
        #expect(r.stderr == "sinkmap: error: plots: \(dir.file("plots.gpkg")): 1 outside the grid (id far); 1 with a missing or negative AGB (id P4); remove or fix them\n")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: dir.path)).contains { $0.contains("out") })
        let v = try sinkmap("validate", scene)
        #expect(v.status == 1 && v.stderr == r.stderr, "validate refuses them as run does: \(v.stderr)")
    }

    /// The closed-form t quantile against an independent one.
    @Test func studentQuantile() {
        for df in [1, 2, 3, 4, 5, 9, 14, 29, 100] {
            #expect(relativeDifference(StudentT.quantile(0.95, degreesOfFreedom: df), Self.tQuantile95(df)) < 1e-9, "df \(df)")
        }
    }

    /// t(0.95, ν) by bisection on ∫₀ᵗ of Student's density (composite Simpson, 20 000 intervals).
    static func tQuantile95(_ nu: Int) -> Double {
        let v = Double(nu)
        let c = exp(lgamma((v + 1) / 2) - lgamma(v / 2)) / (v * Double.pi).squareRoot()
        func density(_ x: Double) -> Double { c * pow(1 + x * x / v, -(v + 1) / 2) }
        func cdf(_ t: Double) -> Double {
            let m = 20_000, h = t / Double(m)
            var s = density(0) + density(t)
            for i in 1..<m { s += density(Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
            return 0.5 + s * h / 3
        }
        var lo = 0.0, hi = 10.0
        for _ in 0..<60 { let mid = (lo + hi) / 2; if cdf(mid) < 0.95 { lo = mid } else { hi = mid } }
        return (lo + hi) / 2
    }
}
