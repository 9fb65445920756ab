import Foundation
import GDALKit
import Testing
import TestSupport
import SinkmapArchive
import SinkmapReport

/// `sinkmap series` on the generated 4-year series (`SeriesScene`): each year identical to
/// `run`, per-unit tables and trend against independent computations, per-pixel rasters,
/// and the refusals.
@Suite struct SeriesTests {
    static let outputs = ["zonal.csv", "npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif"]

    func series(_ file: String, _ out: String) throws {
        let r = try sinkmap("series", file, "--out", out, "--quiet", "--threads", "2")
        try #require(r.status == 0, "sinkmap series failed: \(r.stderr)")
    }

    /// Each year's outputs in DIR/<year>/ are byte-identical to `sinkmap run` of that year's
    /// scene, in the mapping form and in the template form; the zone layer is read once.
    @Test func eachYearIsExactlyItsRun() throws {
        let dir = TempDir("series-run")
        try SeriesScene.write(to: dir)
        try series(dir.file("series.yaml"), dir.file("out"))
        try series(dir.file("series-template.yaml"), dir.file("out-template"))
        for year in SeriesScene.years {
            let run = dir.file("run-\(year)")
            let r = try sinkmap("run", dir.file("\(year)/scene.yaml"), "--out", run, "--quiet", "--threads", "1")
            try #require(r.status == 0, "\(r.stderr)")
            for f in Self.outputs {
                let expected = try Data(contentsOf: URL(fileURLWithPath: run + "/" + f))
                for out in ["out", "out-template"] {
                    let got = try Data(contentsOf: URL(fileURLWithPath: dir.file("\(out)/\(year)/\(f)")))
                    #expect(got == expected, "\(out)/\(year)/\(f) differs from run's")
                }
            }
            // onemap.gpkg: the same layers, features and attributes (its bytes hold GDAL's
            // last_change timestamps, which differ between any two runs).
            let expected = try runProcess("/usr/bin/ogrinfo", ["-al", "-q", run + "/onemap.gpkg"])
            #expect(expected.status == 0 && expected.stdout.contains("OGRFeature"))
            for out in ["out", "out-template"] {
                let got = try runProcess("/usr/bin/ogrinfo", ["-al", "-q", dir.file("\(out)/\(year)/onemap.gpkg")])
                #expect(got.stdout == expected.stdout, "\(out)/\(year)/onemap.gpkg content differs from run's")
            }
        }
        for out in ["out", "out-template"] {
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("\(out)/summary.json")))) as? [String: Any])
            #expect((summary["zone_layer_reads"] as? Int) == 1, "\(out): the zone layer is read once")
            let years = try #require(summary["years"] as? [[String: Any]])
            #expect(years.map { $0["year"] as? Int } == SeriesScene.years)
        }
    }

    /// trend.csv against scipy's theilslopes and a Python Mann–Kendall over the years' own
    /// zonal.csv totals (1e-9); series.csv and change.csv differences exact in decimals.
    @Test func unitTablesAgreeWithIndependentComputation() throws {
        let dir = TempDir("series-units")
        try SeriesScene.write(to: dir)
        let out = dir.file("out")
        try series(dir.file("series.yaml"), out)
        let years = SeriesScene.years
        let tables = try years.map { try ZonalCSV(path: out + "/\($0)/zonal.csv") }
        let units = tables[0].rows.filter { $0["ecosystem"] == "all" && $0["redline"] == "all" }.map { ($0["level"]!, $0["unit_id"]!) }
        #expect(units.count == 3)  // A, B and region R
        func value(_ y: Int, _ level: String, _ id: String, _ column: String) -> String {
            tables[y].rows.first { $0["level"] == level && $0["unit_id"] == id && $0["ecosystem"] == "all" && $0["redline"] == "all" }![column]!
        }
        let trend = try CSVRows(path: out + "/trend.csv")
        #expect(trend.header == ["level", "unit_id", "unit_name", "quantity", "years", "slope_per_year", "intercept", "mk_s", "mk_var", "mk_z", "p_value", "trend"])
        #expect(trend.rows.count == units.count * 2)
        var series: [[Double]] = [], keys: [(String, String, String)] = []
        for (level, id) in units {
            for q in ["nep_tc", "carbon_tc"] {
                series.append(years.indices.map { Double(value($0, level, id, q))! })
                keys.append((level, id, q))
            }
        }
        let reference = try TrendReference.compute(x: years.map(Double.init), series: series)
        for ((level, id, q), r) in zip(keys, reference) {
            let row = try #require(trend.rows.first { $0["level"] == level && $0["unit_id"] == id && $0["quantity"] == q })
            #expect(row["years"] == "4")
            #expect(nearlyEqual(Double(row["slope_per_year"]!)!, r.slope), "\(id) \(q) slope")
            #expect(nearlyEqual(Double(row["intercept"]!)!, r.intercept), "\(id) \(q) intercept")
            #expect(Int(row["mk_s"]!) == r.s, "\(id) \(q) S")
            #expect(nearlyEqual(Double(row["mk_var"]!)!, r.var), "\(id) \(q) var")
            #expect(nearlyEqual(Double(row["mk_z"]!)!, r.z), "\(id) \(q) Z")
            #expect(nearlyEqual(Double(row["p_value"]!)!, r.p), "\(id) \(q) p")
            #expect(row["trend"] == (r.p < 0.05 ? (r.s > 0 ? "increasing" : "decreasing") : "no trend"))
        }

        // series.csv: the stock difference is the exact decimal difference of carbon_tc; the
        // land-cover change adds 99 Mg C/ha on each changed pixel (0.09 ha) of unit B in 2021.
        let seriesCSV = try CSVRows(path: out + "/series.csv")
        #expect(seriesCSV.rows.count == units.count * years.count)
        let changed = Decimal(SeriesScene.changedPixels.count) * Decimal(99) * Decimal(string: "0.09")!
        #expect(SeriesScene.changedPixels.count == 4)
        for (level, id) in units {
            for (k, year) in years.enumerated() {
                let row = try #require(seriesCSV.rows.first { $0["level"] == level && $0["unit_id"] == id && $0["year"] == "\(year)" })
                #expect(row["nep_tc"] == value(k, level, id, "nep_tc") && row["carbon_tc"] == value(k, level, id, "carbon_tc"))
                #expect(nearlyEqual(Double(row["nep_tco2e"]!)!, Double(value(k, level, id, "nep_tc"))! * 44 / 12, 1e-12))
                guard k > 0 else {
                    #expect(row["stock_change_tc"] == "" && row["stock_change_tco2e_per_year"] == "")
                    continue
                }
                let diff = Decimal(string: value(k, level, id, "carbon_tc"))! - Decimal(string: value(k - 1, level, id, "carbon_tc"))!
                #expect(Decimal(string: row["stock_change_tc"]!) == diff, "\(id) \(year)")
                let expectedDiff: Decimal = (id == "A" || year != SeriesScene.changeYear) ? 0 : changed
                #expect(diff == expectedDiff, "\(id) \(year): stock change \(diff)")
                let rate = Double(row["stock_change_tco2e_per_year"]!)!
                #expect(nearlyEqual(rate, NSDecimalNumber(decimal: diff).doubleValue * 44 / 12, 1e-12))
                #expect(nearlyEqual(Double(row["difference_tco2e"]!)!, rate - Double(row["nep_tco2e"]!)!, 1e-9))
            }
        }
        let change = try CSVRows(path: out + "/change.csv")
        #expect(change.rows.count == units.count * (years.count - 1))
        for row in change.rows {
            let k = years.firstIndex(of: Int(row["to_year"]!)!)!
            let (level, id) = (row["level"]!, row["unit_id"]!)
            for q in ["nep_tc", "carbon_tc"] {
                let diff = Decimal(string: value(k, level, id, q))! - Decimal(string: value(k - 1, level, id, q))!
                #expect(Decimal(string: row["\(q)_change"]!) == diff, "\(id) \(q) \(row["to_year"]!)")
            }
        }
    }

    /// Per-pixel rasters: change = last − first; slope, Z and p against the reference on every
    /// pixel (the rasters are Float32: 1e-6); the changed pixels' carbon by hand.
    @Test func pixelRasters() throws {
        let dir = TempDir("series-pixels")
        try SeriesScene.write(to: dir)
        let out = dir.file("out")
        try series(dir.file("series.yaml"), out)
        let years = SeriesScene.years
        let n = SeriesScene.width * SeriesScene.height
        for q in ["nep", "carbon"] {
            let perYear = try years.map { try readPixels(out + "/\($0)/\(q).tif") }
            let change = try readPixels(out + "/change/\(q)_change.tif")
            let slope = try readPixels(out + "/trend/\(q)_slope.tif")
            let z = try readPixels(out + "/trend/\(q)_mk_z.tif"), p = try readPixels(out + "/trend/\(q)_mk_p.tif")
            let valid = (0..<n).filter { i in perYear.allSatisfy { $0[i] != nil } }
            #expect(valid.count == n - 1, "\(q): only the nodata land-cover pixel is nodata")
            for i in 0..<n where !valid.contains(i) {
                #expect(change[i] == nil && slope[i] == nil && z[i] == nil && p[i] == nil)
            }
            let reference = try TrendReference.compute(x: years.map(Double.init), series: valid.map { i in perYear.map { $0[i]! } })
            for (i, r) in zip(valid, reference) {
                #expect(change[i] == Double(Float(perYear[3][i]! - perYear[0][i]!)), "\(q) change at \(i)")
                #expect(nearlyEqual(slope[i]!, r.slope, 1e-6), "\(q) slope at \(i): \(slope[i]!) vs \(r.slope)")
                #expect(nearlyEqual(z[i]!, r.z, 1e-6), "\(q) Z at \(i)")
                #expect(nearlyEqual(p[i]!, r.p, 1e-6), "\(q) p at \(i)")
            }
            if q == "carbon" {
                // Grass pools 70 → forest pools 169 in 2021: change 99; slopes 0, 49.5, 33, 99, 49.5, 0
                // have the median (33 + 49.5)/2 = 41.25; elsewhere the stock does not change.
                for i in valid {
                    let isChanged = SeriesScene.changedPixels.contains(i)
                    #expect(change[i] == (isChanged ? 99 : 0), "carbon change at \(i)")
                    #expect(slope[i] == (isChanged ? 41.25 : 0), "carbon slope at \(i)")
                }
            }
        }
    }

    /// Fewer than 3 years, a year on another grid and a year with another zone layer are refused
    /// in one line naming the year and what differs; nothing is written.
    @Test func refusals() throws {
        let dir = TempDir("series-refuse")
        try SeriesScene.write(to: dir)
        try SeriesScene.seriesFile(years: [2019, 2020]).write(toFile: dir.file("two.yaml"), atomically: true, encoding: .utf8)
        // 2021 on a grid one column narrower (explicit grid block).
        let scene2021 = try String(contentsOfFile: dir.file("2021/scene.yaml"), encoding: .utf8)
        try ("grid: {crs: \"EPSG:32651\", resolution: 30, bounds: [500000, 3299760, 500270, 3300000]}\n" + scene2021)
            .write(toFile: dir.file("2021/grid.yaml"), atomically: true, encoding: .utf8)
        try "name: s\nyears: {2019: 2019/scene.yaml, 2020: 2020/scene.yaml, 2021: 2021/grid.yaml}\n"
            .write(toFile: dir.file("grid.yaml"), atomically: true, encoding: .utf8)
        // 2020 with its own copy of the zones.
        try FileManager.default.copyItem(atPath: dir.file("zones.gpkg"), toPath: dir.file("2020/zones.gpkg"))
        let scene2020 = try String(contentsOfFile: dir.file("2020/scene.yaml"), encoding: .utf8)
        try scene2020.replacingOccurrences(of: "path: ../zones.gpkg", with: "path: zones.gpkg")
            .write(toFile: dir.file("2020/zones.yaml"), atomically: true, encoding: .utf8)
        try "name: s\nyears: {2019: 2019/scene.yaml, 2020: 2020/zones.yaml, 2021: 2021/scene.yaml}\n"
            .write(toFile: dir.file("zones.yaml"), atomically: true, encoding: .utf8)

        let cases: [(String, [String])] = [
            ("two.yaml", ["two.yaml: years:", "2 years given", "at least 3"]),
            ("grid.yaml", ["grid.yaml: years.2021:", "grid size 9×8", "10×8"]),
            ("zones.yaml", ["zones.yaml: years.2020:", "zone layer", "2020/zones.gpkg"]),
        ]
        for (file, words) in cases {
            let out = dir.file("out-\(file)")
            let r = try sinkmap("series", dir.file(file), "--out", out, "--quiet")
            #expect(r.status == 1, "\(file): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("sinkmap: error: "), "\(file): \(r.stderr)")
            for w in words { #expect(r.stderr.contains(w), "\(file): '\(w)' in \(r.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // An existing DIR: refused without --overwrite, replaced with it.
        let out = dir.file("out")
        try series(dir.file("series.yaml"), out)
        let again = try sinkmap("series", dir.file("series.yaml"), "--out", out, "--quiet")
        #expect(again.status == 1 && again.stderr.contains("already exists (use --overwrite to replace it)"), "\(again.stderr)")
        let replaced = try sinkmap("series", dir.file("series-template.yaml"), "--out", out, "--quiet", "--overwrite")
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let summary = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        #expect(summary.contains("series-template.yaml"))
    }
}
