import Foundation
import GDALKit
import SinkmapEngine
import Testing
import TestSupport
import SinkmapZones

/// Exact coverage against exactextract 0.3.0, the reference implementation of coverage fractions,
/// on real boundaries: North Carolina's 100 counties (nc.shp from Debian's r-cran-sf, NAD27
/// geographic, with multipolygon coasts and sounds) over a 0.01° Float32 raster in the same CRS.
/// Tests/fixtures/exactextract-fixture brings nc.shp and a virtual environment with exactextract;
/// the tests are skipped (with a printed line) only when it exits 3, i.e. a download failed.
@Suite(.serialized) struct ExactextractComparisonTests {
    static let nodata: Float = -9999
    static let width = 920, height = 300

    /// What both tests use: the counties, exactextract's Python, and the raster (and its values).
    struct Setup {
        var dir: TempDir
        var nc: String
        var python: String
        var raster: String
        var grid: Grid
        var values: [Float]
    }

    /// exactextract's output (Tests/fixtures/exactextract-zonal.py).
    struct Reference: Decodable {
        struct Feature: Decodable {
            var id: String
            var count: Double
            var sum: Double
            var cell_id: [Int]?
            var coverage: [Double]?
        }
        var features: [Feature]
    }

    /// Runs the fixture script and writes the raster; nil (after printing why) when the
    /// fixture could not download its inputs.
    static func setUp(_ label: String) throws -> Setup? {
        let script = Repo.root + "/Tests/fixtures/exactextract-fixture"
        let r = try runProcess("/bin/bash", [script])
        if r.status == 3 {
            print("skipped: exactextract comparison: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return nil
        }
        try #require(r.status == 0, "exactextract-fixture exited \(r.status): \(r.stderr)")
        var paths: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { paths[kv[0]] = kv[1] }
        }
        let nc = try #require(paths["nc"]), python = try #require(paths["python"])

        // 920 × 300 pixels of 0.01° over the counties (x −84.32…−75.46, y 33.88…36.59), values
        // 1…100 from a seeded generator, about one pixel in 200 nodata.
        let dir = TempDir(label)
        let grid = try Fixtures.grid(crs: "EPSG:4267", originX: -84.5, originY: 36.75, pixel: 0.01,
                                     width: width, height: height)
        var rng = SeededGenerator(seed: 4267)
        var values = [Float](repeating: 0, count: width * height)
        for i in values.indices {
            let v = Float.random(in: 1...100, using: &rng)
            values[i] = rng.next() % 200 == 0 ? nodata : v
        }
        let raster = dir.file("nc.tif")
        try Fixtures.raster(raster, grid: grid, bands: [values], nodata: Double(nodata))
        return Setup(dir: dir, nc: nc, python: python, raster: raster, grid: grid, values: values)
    }

    /// exactextract's count and sum per county (and, with `cells`, each county's cell fractions).
    static func reference(_ s: Setup, cells: Bool) throws -> [String: Reference.Feature] {
        let out = s.dir.file("exactextract.json")
        let args = [Repo.root + "/Tests/fixtures/exactextract-zonal.py", s.raster, s.nc, "--id", "FIPS",
                    "--ops", "count,sum", "--out", out] + (cells ? ["--cells"] : [])
        let r = try runProcess(s.python, args)
        try #require(r.status == 0, "exactextract failed (exit \(r.status)): \(r.stderr)")
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: out)))
        try #require(ref.features.count == 100, "exactextract returned \(ref.features.count) counties")
        return Dictionary(uniqueKeysWithValues: ref.features.map { ($0.id, $0) })
    }

    /// `sinkmap zonal --coverage exact`: count (Σ coverage of valid pixels) and sum (Σ coverage ×
    /// value) equal exactextract's within 1e-6 relative, for every county.
    @Test func countAndSumPerCountyMatchExactextract() throws {
        guard let s = try Self.setUp("ee-stats") else { return }
        let ref = try Self.reference(s, cells: false)
        let csv = s.dir.file("zonal.csv")
        let r = try sinkmap("zonal", s.raster, "--zones", s.nc, "--id", "FIPS", "--out", csv,
                            "--coverage", "exact", "--threads", "2")
        try #require(r.status == 0, "sinkmap zonal failed: \(r.stderr)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(lines.first == "id,count,sum,mean,min,max,area_m2")
        try #require(lines.count == 101, "\(lines.count - 1) rows")

        var worstCount = (rel: 0.0, id: ""), worstSum = (rel: 0.0, id: "")
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let e = try #require(ref[f[0]], "county \(f[0]) not in exactextract's output")
            let count = try #require(Double(f[1])), sum = try #require(Double(f[2]))
            let rc = abs(count - e.count) / abs(e.count), rs = abs(sum - e.sum) / abs(e.sum)
            if rc > worstCount.rel { worstCount = (rc, f[0]) }
            if rs > worstSum.rel { worstSum = (rs, f[0]) }
            #expect(e.count > 0 && rc <= 1e-6, "county \(f[0]): count \(count) vs exactextract \(e.count) (\(rc) relative)")
            #expect(rs <= 1e-6, "county \(f[0]): sum \(sum) vs exactextract \(e.sum) (\(rs) relative)")
        }
        print("exactextract comparison, 100 NC counties: max relative difference count \(worstCount.rel) (FIPS \(worstCount.id)), sum \(worstSum.rel) (FIPS \(worstSum.id))")
    }

    /// Per pixel: `CoverageFractions.fractions` of each county polygon (read with GDALKit, put in
    /// pixel space by `ZoneCoverage.pixelPolygons`) against exactextract's cell_id/coverage, within
    /// 1e-6 absolute (exactextract keeps fractions as float32). exactextract lists only cells whose
    /// value is valid, so nodata cells are left out on this side too; a cell listed by one side
    /// only counts as fraction 0 on the other.
    @Test func coverageFractionsPerPixelMatchExactextract() throws {
        guard let s = try Self.setUp("ee-cells") else { return }
        let ref = try Self.reference(s, cells: true)
        let layer = try VectorDataset(path: s.nc).layer(nil)
        let features = try layer.features(fields: ["FIPS", "NAME"])
        try #require(features.count == 100)

        var worst = (diff: 0.0, id: "", cell: -1), cells = 0, multipolygons = 0
        for f in features {
            let id = f.fields["FIPS"] ?? "", name = f.fields["NAME"] ?? ""
            let geometry = try #require(f.geometry, "county \(id) has no geometry")
            let polygons = try ZoneCoverage.pixelPolygons(geometry.wkb, grid: s.grid, path: s.nc)
            if polygons.count > 1 { multipolygons += 1 }
            var mine: [Int: Double] = [:]
            for (cell, fraction) in CoverageFractions.fractions(of: polygons, width: s.grid.width, height: s.grid.height)
                where s.values[cell] != Self.nodata { mine[cell] = fraction }
            let e = try #require(ref[id], "county \(id) not in exactextract's output")
            let ids = try #require(e.cell_id), cover = try #require(e.coverage)
            try #require(ids.count == cover.count)
            var theirs: [Int: Double] = [:]
            for (cell, fraction) in zip(ids, cover) { theirs[cell, default: 0] += fraction }
            var countyWorst = (diff: 0.0, cell: -1)
            for cell in Set(mine.keys).union(theirs.keys) {
                let d = abs((mine[cell] ?? 0) - (theirs[cell] ?? 0))
                if d > countyWorst.diff { countyWorst = (d, cell) }
            }
            cells += theirs.count
            if countyWorst.diff > worst.diff { worst = (countyWorst.diff, id, countyWorst.cell) }
            let c = countyWorst.cell
            #expect(countyWorst.diff <= 1e-6,
                    "\(name) (FIPS \(id)): cell \(c) (row \(c / s.grid.width), col \(c % s.grid.width)): sinkmap \(mine[c] ?? 0), exactextract \(theirs[c] ?? 0)")
        }
        #expect(multipolygons > 0)  // the coast: counties with islands are in the comparison
        print("exactextract comparison, 100 NC counties (\(multipolygons) multipolygons), \(cells) cells: max |fraction difference| \(worst.diff) (FIPS \(worst.id), cell \(worst.cell))")
    }
}
