import Foundation
import GDALKit
import Testing
import TestSupport

/// `sinkmap zonal` against a direct computation on a small raster whose polygons are
/// aligned to pixel edges (so membership by pixel centre is unambiguous).
@Suite struct ZonalCommandTests {
    @Test func statisticsPerPolygon() throws {
        let dir = TempDir("zonal")
        let w = 40, h = 30
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 500000, originY: 3300000, pixel: 30, width: w, height: h)
        var v = [Float](repeating: 0, count: w * h)
        var rng = SeededGenerator(seed: 3)
        for i in v.indices { v[i] = Float.random(in: -5...100, using: &rng).rounded() / 4 }
        v[5] = -9999  // nodata inside polygon "a,b"
        try Fixtures.raster(dir.file("r.tif"), grid: grid, bands: [v, v.map { $0 == -9999 ? $0 : $0 * 2 }], nodata: -9999)
        // Polygon 1: columns 0..<20, rows 0..<10; polygon 2: columns 20..<40, rows 10..<30; polygon 3: outside.
        try Fixtures.polygons(dir.file("z.gpkg"), layer: "z", crs: "EPSG:32651", fields: ["name"], features: [
            (Fixtures.rectangle(500000, 3300000 - 300, 500600, 3300000), ["a,b"]),
            (Fixtures.rectangle(500600, 3300000 - 900, 501200, 3300000 - 300), ["c"]),
            (Fixtures.rectangle(600000, 3200000, 600100, 3200100), ["far"]),
        ])
        let r = try sinkmap("zonal", dir.file("r.tif"), "--zones", dir.file("z.gpkg"), "--id", "name", "--band", "2",
                            "--out", dir.file("out.csv"), "--threads", "2")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: dir.file("out.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines[0] == "id,count,sum,mean,min,max,area_m2")
        #expect(lines.count == 4)
        func expected(cols: Range<Int>, rows: Range<Int>) -> (Int, Double, Float, Float) {
            var n = 0, sum = 0.0, lo = Float.infinity, hi = -Float.infinity
            for row in rows { for col in cols where v[row * w + col] != -9999 {
                let x = v[row * w + col] * 2
                n += 1; sum += Double(x); lo = min(lo, x); hi = max(hi, x)
            } }
            return (n, sum, lo, hi)
        }
        for (line, cols, rows, name) in [(lines[1], 0..<20, 0..<10, "\"a,b\""), (lines[2], 20..<40, 10..<30, "c")] {
            let f = line.hasPrefix("\"") ? [name] + line.dropFirst(name.count + 1).split(separator: ",").map(String.init)
                                         : line.split(separator: ",").map(String.init)
            let e = expected(cols: cols, rows: rows)
            #expect(f[0] == name)
            #expect(Int(f[1]) == e.0)
            #expect(abs(Double(f[2])! - e.1) <= 1e-9 * abs(e.1))
            #expect(abs(Double(f[3])! - e.1 / Double(e.0)) <= 1e-9 * abs(e.1 / Double(e.0)))
            #expect(Float(f[4]) == e.2 && Float(f[5]) == e.3)
            #expect(Double(f[6]) == Double(e.0) * 900)
        }
        #expect(lines[3] == "far,0,,,,,0")
        #expect(expected(cols: 0..<20, rows: 0..<10).0 == 199)  // the nodata pixel is skipped
    }

    @Test func missingZoneFileIsOneLine() throws {
        let r = try sinkmap("zonal", Repo.root + "/testdata/demo/landcover.tif", "--zones", "/nonexistent.gpkg")
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("/nonexistent.gpkg"))
    }

    /// Exact coverage (the default): a square from 0.6 to 2.4 pixels covers the corner pixels by
    /// 0.16, the edge pixels by 0.4 and the centre wholly; `--coverage centre` counts whole pixels
    /// by their centre instead (only the middle one's centre is inside).
    @Test func exactCoverageWeighsEachPixelByItsFraction() throws {
        let dir = TempDir("zonal-exact")
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 500000, originY: 3300000, pixel: 10, width: 3, height: 3)
        let v: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        try Fixtures.raster(dir.file("r.tif"), grid: grid, bands: [v], nodata: -9999)
        try Fixtures.polygons(dir.file("z.gpkg"), layer: "z", crs: "EPSG:32651", fields: ["name"], features: [
            (Fixtures.rectangle(500006, 3300000 - 24, 500024, 3300000 - 6), ["sq"]),
        ])
        let exact = try sinkmap("zonal", dir.file("r.tif"), "--zones", dir.file("z.gpkg"), "--id", "name")
        #expect(exact.status == 0, "\(exact.stderr)")
        let f = exact.stdout.split(separator: "\n")[1].split(separator: ",").map(String.init)
        // Fractions: corners 0.16 (values 1, 3, 7, 9), edges 0.4 (2, 4, 6, 8), centre 1 (5):
        // count 3.24, sum 0.16·20 + 0.4·20 + 5 = 16.2, mean 5, area 3.24 × 100 m².
        #expect(f[0] == "sq" && abs(Double(f[1])! - 3.24) < 1e-12 && abs(Double(f[2])! - 16.2) < 1e-12 && abs(Double(f[3])! - 5) < 1e-12)
        #expect(f[4] == "1.0" && f[5] == "9.0" && abs(Double(f[6])! - 324) < 1e-9)
        let centre = try sinkmap("zonal", dir.file("r.tif"), "--zones", dir.file("z.gpkg"), "--id", "name", "--coverage", "centre")
        let g = centre.stdout.split(separator: "\n")[1].split(separator: ",").map(String.init)
        #expect(g[0] == "sq" && g[1] == "1" && Double(g[2])! == 5, "\(g)")
    }
}
