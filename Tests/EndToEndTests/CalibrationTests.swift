import Foundation
import GDALKit
import Testing
import TestSupport

@Suite struct CalibrationTests {
    /// The fitted allometry equals numpy's least squares (to 1e-9 relative) and lies within three
    /// standard errors of the truth; the calibrated table is accepted by `validate`; the
    /// cross-validation metrics recomputed from cv_folds.csv equal calibration.json's.
    @Test func allometryRecoveredAndCrossValidationReproducible() throws {
        let dir = TempDir("calibrate")
        let ps = PlotScene(seed: 1901)
        let scene = try ps.write(to: dir)
        let r = try sinkmap("calibrate", scene, "--plots", dir.file("plots.gpkg"), "--agb", "agb", "--id", "id",
                            "--seed", "7", "--out", dir.file("cal"))
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("class 4 Deciduous broadleaf: AGB ="))
        #expect(r.stdout.contains("allometric, 10-fold cross-validation over 86 plots"))

        // Independent fit: numpy lstsq on the pixels' heights (a pixel footprint's mean height is
        // the pixel's value) and the AGB as written.
        let pairs = ps.plots.filter { $0.id.hasPrefix("F") }.map { "\(ps.heights[$0.pixel]!),\($0.agb)" }
        let py = try runProcessWithInput("/usr/bin/python3", [Repo.root + "/Tests/fixtures/allometry-lstsq.py"], input: pairs.joined(separator: "\n"))
        try #require(py.status == 0, "\(py.stderr)")
        let ref = try #require(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Double])
        let json = try readJSON(dir.file("cal/calibration.json"))
        let classes = try #require(json["classes"] as? [[String: Any]])
        let forest = try #require(classes.first { $0["code"] as? Int == 4 })
        let fit = try #require(forest["fit"] as? [String: Any])
        for key in ["ln_a_prime", "b", "s2", "a", "se_b", "se_ln_a_prime"] {
            let mine = try #require(fit[key] as? Double)
            #expect(relativeDifference(mine, ref[key]!) < 1e-9, "\(key): \(mine) vs numpy \(ref[key]!)")
        }
        #expect(fit["n"] as? Int == 80)
        let b = fit["b"] as! Double, lnA = fit["ln_a_prime"] as! Double
        #expect(abs(b - PlotScene.trueB) < 3 * (fit["se_b"] as! Double), "b \(b)")
        #expect(abs(lnA - log(PlotScene.trueA)) < 3 * (fit["se_ln_a_prime"] as! Double), "ln a′ \(lnA)")
        #expect(classes.count == 1, "grassland has no allometry and is not fitted")

        // classes.calibrated.csv: the fitted values in class 4's row, accepted as the scene's table.
        let table = try String(contentsOfFile: dir.file("cal/classes.calibrated.csv"), encoding: .utf8)
        let row = try #require(table.split(separator: "\n").first { $0.hasPrefix("4,") }).split(separator: ",", omittingEmptySubsequences: false)
        #expect(relativeDifference(Double(row[6])!, fit["a"] as! Double) < 1e-15 && relativeDifference(Double(row[7])!, b) < 1e-15, "\(row) vs \(fit)")
        try table.write(toFile: dir.file("classes.csv"), atomically: true, encoding: .utf8)
        let v = try sinkmap("validate", scene)
        #expect(v.status == 0, "\(v.stderr)")

        // Cross-validation recomputed from cv_folds.csv, per model, over all plots and per class.
        let rows = try String(contentsOfFile: dir.file("cal/cv_folds.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        let cv = try #require(json["cross_validation"] as? [String: [String: Any]])
        for model in ["allometric", "knn"] {
            let mine = rows.filter { $0[0] == model }
            #expect(mine.count == ps.plots.count)
            #expect(Set(mine.map { Int($0[3])! }) == Set(1...10))
            let m = try #require(cv[model])
            try checkAccuracy(mine, try #require(m["all"] as? [String: Any]))
            let perClass = try #require(m["classes"] as? [String: [String: Any]])
            for code in ["4", "10"] { try checkAccuracy(mine.filter { $0[2] == code }, try #require(perClass[code])) }
            let acc = try #require((m["all"] as? [String: Any])?["accuracy"] as? Double)
            #expect((m["target_met"] as? Bool) == (acc >= 0.9))
        }
        #expect(FileManager.default.fileExists(atPath: dir.file("cal/cv_scatter.svg")))

        // The same seed gives the same folds; another seed other folds.
        let again = try sinkmap("calibrate", scene, "--plots", dir.file("plots.gpkg"), "--agb", "agb", "--id", "id",
                                "--seed", "7", "--out", dir.file("cal2"))
        try #require(again.status == 0, "\(again.stderr)")
        let first = try String(contentsOfFile: dir.file("cal/cv_folds.csv"), encoding: .utf8)
        #expect(try String(contentsOfFile: dir.file("cal2/cv_folds.csv"), encoding: .utf8) == first)
        let other = try sinkmap("calibrate", scene, "--plots", dir.file("plots.gpkg"), "--agb", "agb", "--id", "id",
                                "--seed", "8", "--out", dir.file("cal3"))
        try #require(other.status == 0, "\(other.stderr)")
        #expect(try String(contentsOfFile: dir.file("cal3/cv_folds.csv"), encoding: .utf8) != first)
    }

    /// The worked example of docs/field-plots.md: the demo's plots (testdata/plotgen.py, AGB = 9.0·H^0.9 with
    /// log-normal noise) give every forest class an allometry within three standard errors of it.
    @Test func demoPlotsRecoverTheirAllometry() throws {
        let dir = TempDir("calibrate-demo")
        let r = try sinkmap("calibrate", Repo.demoScene, "--plots", Repo.root + "/testdata/demo/plots.gpkg", "--agb", "agb",
                            "--id", "plot_id", "--out", dir.file("cal"))
        try #require(r.status == 0, "\(r.stderr)")
        let classes = try #require(try readJSON(dir.file("cal/calibration.json"))["classes"] as? [[String: Any]])
        for code in [1, 2, 4, 5] {
            let fit = try #require(classes.first { $0["code"] as? Int == code }?["fit"] as? [String: Any])
            #expect(fit["n"] as? Int == 40)
            let b = fit["b"] as! Double, lnA = fit["ln_a_prime"] as! Double
            #expect(abs(b - 0.9) < 3 * (fit["se_b"] as! Double), "class \(code): b \(b)")
            #expect(abs(lnA - log(9.0)) < 3 * (fit["se_ln_a_prime"] as! Double), "class \(code): ln a′ \(lnA)")
        }
    }

    func checkAccuracy(_ rows: [[String]], _ json: [String: Any]) throws {
        let o = rows.map { Double($0[4])! }, p = rows.map { Double($0[5])! }
        let n = Double(o.count), mean = o.reduce(0, +) / n
        let ss = zip(o, p).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }
        let st = o.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let rmse = (ss / n).squareRoot()
        let expected: [String: Double] = ["rmse": rmse, "relative_rmse": rmse / mean, "bias": zip(o, p).reduce(0) { $0 + $1.1 - $1.0 } / n,
                                          "r2": 1 - ss / st, "accuracy": 1 - rmse / mean]
        #expect(json["n"] as? Int == rows.count)
        for (k, x) in expected {
            let got = try #require(json[k] as? Double)
            #expect(relativeDifference(got, x) < 1e-9, "\(k): \(got) vs recomputed \(x)")
        }
    }

    /// Plots outside the grid, without canopy height, with a missing or negative AGB: refused in
    /// one line listing their ids, nothing written; with --skip-bad, left out and counted.
    @Test func badPlotsRefusedOrSkipped() throws {
        let dir = TempDir("calibrate-bad")
        let ps = PlotScene(seed: 1902, forestPlots: 30, grassPlots: 0)
        let nodataPixel = 2 * ps.scene.width + 2
        let c = ps.centre(nodataPixel)
        let scene = try ps.write(to: dir, extra: [
            ("POINT (\(MiniScene.originX - 100) \(MiniScene.originY + 100))", ["out1", "50"]),
            ("POINT (\(c.x) \(c.y))", ["nochm", "50"]),
            ("POINT (\(ps.centre(0).x) \(ps.centre(0).y))", ["empty", ""]),
            ("POINT (\(ps.centre(1).x) \(ps.centre(1).y))", ["neg", "-5"]),
        ])
        let args = [scene, "--plots", dir.file("plots.gpkg"), "--agb", "agb", "--id", "id", "--out", dir.file("cal")]
        let r = try runProcess(Repo.sinkmap, ["calibrate"] + args)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("sinkmap: error: "))
        for part in ["4 of 34 plots cannot be used", "1 outside the grid (id out1)", "1 without canopy height (id nochm)",
                     "2 with a missing or negative AGB (ids empty, neg)", "--skip-bad"] {
            #expect(r.stderr.contains(part), "\(part) in \(r.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("cal") && $0 != "classes.csv" }
        #expect(left.isEmpty, "\(left)")

        let s = try runProcess(Repo.sinkmap, ["calibrate"] + args + ["--skip-bad"])
        try #require(s.status == 0, "\(s.stderr)")
        let json = try readJSON(dir.file("cal/calibration.json"))
        #expect(json["plots_used"] as? Int == 30)
        let skipped = try #require(json["plots_skipped"] as? [String: [String]])
        #expect(skipped == ["outside the grid": ["out1"], "without canopy height": ["nochm"],
                            "with a missing or negative AGB": ["empty", "neg"]])
        #expect(s.stdout.contains("left out (--skip-bad): 1 outside the grid; 1 without canopy height; 2 with a missing or negative AGB"))
    }

    /// Circles of --radius around the points: every plot used, its height a coverage-weighted
    /// mean of several pixels (so the fit differs from the pixel footprints' one).
    @Test func circleFootprints() throws {
        let dir = TempDir("calibrate-radius")
        let ps = PlotScene(seed: 1909, forestPlots: 40, grassPlots: 0)
        let scene = try ps.write(to: dir)
        let args = [scene, "--plots", dir.file("plots.gpkg"), "--agb", "agb", "--id", "id", "--min-plots", "5"]
        let pixel = try runProcess(Repo.sinkmap, ["calibrate"] + args + ["--out", dir.file("pixel")])
        let circle = try runProcess(Repo.sinkmap, ["calibrate"] + args + ["--radius", "20", "--out", dir.file("circle")])
        try #require(pixel.status == 0 && circle.status == 0, "\(pixel.stderr)\(circle.stderr)")
        let p = try readJSON(dir.file("pixel/calibration.json")), c = try readJSON(dir.file("circle/calibration.json"))
        #expect(p["plots_used"] as? Int == 40 && c["plots_used"] as? Int == 40)
        let fit = { (j: [String: Any]) in ((j["classes"] as? [[String: Any]])?.first?["fit"] as? [String: Any])?["b"] as? Double }
        let bp = try #require(fit(p)), bc = try #require(fit(c))
        #expect(bp != bc)
    }

    /// A class with fewer than --min-plots plots keeps its table values, and says so.
    @Test func tooFewPlotsKeepTheTable() throws {
        let dir = TempDir("calibrate-few")
        let ps = PlotScene(seed: 1903, forestPlots: 8, grassPlots: 4)
        let scene = try ps.write(to: dir)
        let r = try sinkmap("calibrate", scene, "--plots", dir.file("plots.gpkg"), "--agb", "agb", "--folds", "4", "--out", dir.file("cal"))
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("class 4 Deciduous broadleaf: keeps the table's values (only 8 plots with H > 0 and AGB > 0 (--min-plots 10))"))
        let table = try String(contentsOfFile: dir.file("cal/classes.calibrated.csv"), encoding: .utf8)
        #expect(table.contains("4,Deciduous broadleaf,forest,0.692,0.023,0.747,14.574468,0.952,"))
    }
}

/// Runs a program with `input` on its standard input.
func runProcessWithInput(_ executable: String, _ arguments: [String], input: String) throws -> ProcessResult {
    let file = FileManager.default.temporaryDirectory.path + "/sinkmap-stdin-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try input.write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    return try runProcess("/bin/sh", ["-c", "exec \"$0\" \"$@\" < '\(file)'", executable] + arguments)
}
