import Foundation
import GDALKit
import SinkmapEngine
import SinkmapKernels
import SinkmapScene
import Testing
import TestSupport
import SinkmapAccounting
import SinkmapSchedule

/// Issue 15: uncertainty from one pass against a brute-force recomputation, the analytic sd
/// of NPP, valuation by hand, compensation exact to the cent.
@Suite(.serialized) struct AccountingTests {
    /// The demo with q10 respiration (whose r_ref scales Rh, so the Rh factor can be brute-forced)
    /// and an uncertainty table: 10 % of eps_max, 20 % of the biomass pools, 10 % of c_soil,
    /// 15 % of agb_a.
    static func scene(sd: (ClassParameters) -> String, rhSD: Double, draws: Int) throws -> (DemoCopy, PreparedScene) {
        let demo = try DemoCopy("accounting")
        demo.edit("  rh: pei2009", "  rh: q10\n  rh_q10: {r_ref: 1.1, q10: 2.0, t_ref: 10}")
        let table = try ParameterTable(csv: try String(contentsOfFile: demo.dir.file("classes.csv"), encoding: .utf8), source: "classes.csv")
        let rows = ["code,eps_max,c_above,c_below,c_soil,c_dead,agb_a"] + table.classes.map { "\($0.code)," + sd($0) }
        try (rows.joined(separator: "\n") + "\n").write(toFile: demo.dir.file("sd.csv"), atomically: true, encoding: .utf8)
        demo.sceneText += "uncertainty: {draws: \(draws), seed: 7, table: sd.csv, rh_scale_sd: \(rhSD)}\n"
        return (demo, try SceneValidator.prepare(try SceneParser.load(path: demo.scenePath)))
    }

    static func allUncertain(_ c: ClassParameters) -> String {
        "\(c.epsMax * 0.1),\(c.cAbove * 0.2),\(c.cBelow * 0.2),\(c.cSoil * 0.1),\(c.cDead * 0.2),\(c.agbA.map { "\($0 * 0.15)" } ?? "")"
    }

    /// Per finest unit: NPP, Rh and carbon (tC) of some partials.
    static func unitTotals(_ sums: ZonalAccumulator) -> [(npp: Double, rh: Double, carbon: Double)] {
        (0..<sums.layout.units).map { u in
            var t = ZoneTotals()
            for k in 0..<sums.layout.slotsPerUnit { t.merge(sums[slot: sums.layout.slot(unit: u, ecosystem: 0, inRedline: false) + k]) }
            return (t.nppTonnes, t.rhTonnes, t.carbonTonnes)
        }
    }

    /// The Monte Carlo from one pass equals, draw by draw, a recomputation of every pixel with
    /// that draw's parameter table and Rh factor. The same draws on both sides, so the Monte Carlo
    /// error cancels: means and quantiles agree to the Float32 rounding of the per-pixel outputs.
    @Test func oneTotalsPassMatchesBruteForceRecomputation() throws {
        let draws = 24
        let (demo, scene) = try Self.scene(sd: Self.allUncertain, rhSD: 0.1, draws: draws)
        let plan = try RunPlan(scene, tileSize: 128)
        let tiles = [4, 5, 6, 7]  // the middle of the demo: every class with lidar and without
        func partials(_ s: PreparedScene, _ label: String) throws -> ZonalAccumulator {
            let p = try RunPlan(s, tileSize: 128)
            try FileManager.default.createDirectory(atPath: demo.dir.file(label), withIntermediateDirectories: true)
            let ws = try RunWorkspace(p, directory: demo.dir.file(label))
            return try Engine.computePartials(p, tiles: tiles, workspace: ws, threads: 2).sums
        }
        let base = try partials(scene, "base")
        let classSums = try #require(base.classSums)
        #expect(plan.tiles.count == 12)
        let d = ParameterDraws(sd: try #require(scene.parameterSD), rhScaleSD: 0.1, draws: draws, seed: 7)
        let linear = (0..<classSums.units).map { u in
            Uncertainty.draws(of: (0..<classSums.classes).map { classSums[unit: u, class: $0] }, table: scene.table, draws: d)
        }
        // The class sums add up exactly to the unit totals.
        for (u, t) in Self.unitTotals(base).enumerated() {
            let n = (0..<classSums.classes).reduce(Int128(0)) { $0 + classSums[unit: u, class: $1].npp }
            #expect(Quantity.npp.value(n) == t.npp)
        }
        var brute = [[(npp: Double, rh: Double, carbon: Double)]](repeating: [], count: classSums.units)
        for i in 0..<draws {
            var s = scene
            s.table = d.table(draw: i, base: scene.table)
            s.scene.options.rh = .q10(rRef: 1.1 * d.rhFactor[i], q10: 2.0, tRef: 10)
            s.parameterSD = nil
            for (u, t) in Self.unitTotals(try partials(s, "draw\(i)")).enumerated() { brute[u].append(t) }
        }
        var checked = 0
        for u in 0..<classSums.units where brute[u][0].carbon > 0 {
            for i in 0..<draws {
                for (b, l) in [(brute[u][i].npp, linear[u].npp[i]), (brute[u][i].rh, linear[u].rh[i]), (brute[u][i].carbon, linear[u].carbon[i])] {
                    #expect(abs(b - l) <= 1e-6 * abs(b) + 1e-9, "unit \(u), draw \(i): brute force \(b), from the class sums \(l)")
                }
            }
            for (b, l) in [(brute[u].map(\.npp), linear[u].npp), (brute[u].map(\.carbon), linear[u].carbon)] {
                let sb = Uncertainty.Statistics(b), sl = Uncertainty.Statistics(l)
                for (x, y) in [(sb.mean, sl.mean), (sb.p05, sl.p05), (sb.p50, sl.p50), (sb.p95, sl.p95)] {
                    #expect(abs(x - y) <= 1e-6 * abs(x))
                }
                #expect(abs(sb.sd - sl.sd) <= 1e-4 * sb.sd)
            }
            // The draws do move every quantity (the test would pass vacuously otherwise).
            #expect(Uncertainty.Statistics(linear[u].npp).sd > 0.01 * abs(linear[u].npp[0]) * 0.1)
            #expect(Uncertainty.Statistics(linear[u].rh).sd > 0)
            #expect(Uncertainty.Statistics(linear[u].carbon).sd > 0)
            checked += 1
        }
        #expect(checked >= 3, "the tiles should hold several units")
    }

    /// With only eps_max uncertain, the sd of a unit's NPP is √Σ_c (σ_c · NPP_c / ε_c)².
    @Test func nppSdMatchesTheAnalyticFormula() throws {
        let draws = 100_000
        let (demo, scene) = try Self.scene(sd: { "\($0.epsMax * 0.1),0,0,0,0," }, rhSD: 0, draws: draws)
        defer { withExtendedLifetime(demo) {} }
        let dir = TempDir("accounting-run")
        _ = try SceneRunner.run(scene, options: RunOptions(outDir: dir.file("out"), threads: 2), progress: ProgressMeter(style: .quiet))
        let text = try String(contentsOfFile: dir.file("out/uncertainty.csv"), encoding: .utf8)
        // The run's class sums, recomputed as partials (same plan, every tile).
        let plan = try RunPlan(scene, tileSize: nil)
        let ws = try RunWorkspace(plan, directory: dir.path)
        let sums = try #require(try Engine.computePartials(plan, tiles: Array(plan.tiles.indices), workspace: ws, threads: 2).sums.classSums)
        let byLevel = Uncertainty.rollUp(sums, hierarchy: scene.zones)
        var rows: [String: [String]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[f[0] + "|" + f[1] + "|" + f[3]] = f
        }
        var checked = 0
        for (li, level) in scene.zones.levels.enumerated() {
            for (ui, unit) in scene.zones.units[li].enumerated() {
                var variance = 0.0, npp = 0.0
                for (k, c) in scene.table.classes.enumerated() where c.epsMax > 0 {
                    let n = Quantity.npp.value(byLevel[li][ui][k].npp)
                    variance += (0.1 * c.epsMax * n / c.epsMax) * (0.1 * c.epsMax * n / c.epsMax)
                    npp += n
                }
                let row = try #require(rows[level.name + "|" + unit.id + "|npp_tc"])
                let mean = try #require(Double(row[4])), sd = try #require(Double(row[5]))
                #expect(abs(sd - variance.squareRoot()) <= 0.01 * variance.squareRoot(), "\(level.name) \(unit.id): sd \(sd) vs analytic \(variance.squareRoot())")
                #expect(abs(mean - npp) <= 4 * sd / Double(draws).squareRoot(), "\(unit.id): mean \(mean) vs \(npp)")
                checked += 1
            }
        }
        #expect(checked == scene.zones.units.map(\.count).reduce(0, +) && checked > 10)
    }
}
