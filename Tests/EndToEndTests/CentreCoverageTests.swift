import Foundation
import GDALKit
import Testing
import TestSupport
import SinkmapArchive

/// Pixel-centre coverage (`zones: {coverage: centre}`) against an independent recomputation
/// with GDAL's own tools: the output rasters read back, townships and red line burnt with
/// gdal_rasterize, sums with each pixel's area.
@Suite struct CentreCoverageTests {
    /// The township totals recomputed independently: the output rasters read back,
    /// townships and red line burnt with gdal_rasterize, sums with each pixel's area.
    @Test func townshipTotalsMatchAnIndependentRecomputation() throws {
        let demo = Repo.root + "/testdata/demo"
        // The demo with pixel-centre coverage (what gdal_rasterize does).
        let copy = try DemoCopy("centre")
        copy.edit("  layer: townships\n", "  layer: townships\n  coverage: centre\n")
        let out = copy.dir.file("out")
        let r = try sinkmap("run", copy.scenePath, "--out", out, "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        let lcDS = try Dataset(path: demo + "/landcover.tif")
        let grid = try lcDS.grid()
        let n = grid.pixelCount
        let b = grid.bounds()
        let scratch = TempDir("recompute")
        func rasterize(_ args: [String], _ src: String, _ dst: String) throws -> [Float] {
            let r = try runProcess("/usr/bin/gdal_rasterize", args + ["-ot", "Float64", "-init", "0",
                "-te", "\(b.xmin)", "\(b.ymin)", "\(b.xmax)", "\(b.ymax)", "-ts", "\(grid.width)", "\(grid.height)",
                "-a_srs", "EPSG:32651", src, dst])
            #expect(r.status == 0, "\(r.stderr)")
            return try read(dst)
        }
        func read(_ path: String) throws -> [Float] {
            let ds = try Dataset(path: path)
            var v = [Float](repeating: 0, count: n)
            try v.withUnsafeMutableBufferPointer { try ds.readRaw(band: 1, window: grid.window, into: $0.baseAddress!) }
            return v
        }
        // town_code is a 9-digit number: exact in Float64, so read it as Double.
        let townFile = scratch.file("towns.tif")
        _ = try rasterize(["-a", "town_code"], demo + "/admin/townships.gpkg", townFile)
        var towns = [Double](repeating: 0, count: n)
        try towns.withUnsafeMutableBufferPointer {
            try Dataset(path: townFile).readRaw(band: 1, window: grid.window, type: .float64, into: UnsafeMutableRawPointer($0.baseAddress!))
        }
        // gdal_rasterize does not reproject: bring the red line (EPSG:4326) to the grid's CRS first.
        let reprojected = try runProcess("/usr/bin/ogr2ogr", ["-t_srs", "EPSG:32651", scratch.file("red.gpkg"), demo + "/admin/redline.gpkg"])
        #expect(reprojected.status == 0, "\(reprojected.stderr)")
        let red = try rasterize(["-burn", "1"], scratch.file("red.gpkg"), scratch.file("red.tif"))
        #expect(red.contains(1))
        let codes = try read(demo + "/landcover.tif")
        // Ecosystem of each code, from the parameter table (code and ecosystem are its 1st and 3rd columns).
        var ecosystem: [Int: String] = [:]
        for line in try String(contentsOfFile: demo + "/classes.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
            ecosystem[Int(f[0])!] = String(f[2])
        }
        let layers = try ["npp", "rh", "nep", "carbon"].map { try read(out + "/\($0).tif") }
        let pixelArea = grid.transform.cellArea  // m², projected CRS

        struct Sums { var pixels = 0.0, fluxPixels = 0.0, area = 0.0, npp = 0.0, rh = 0.0, nep = 0.0, carbon = 0.0 }
        var sums: [String: Sums] = [:]  // key: "town|ecosystem|redline"
        var missing: [String: Double] = [:]  // key: "town|redline", area without valid land cover
        for i in 0..<n where towns[i] != 0 {
            let town = String(Int64(towns[i]))
            guard let eco = ecosystem[Int(codes[i])] else {
                // Nodata 255 and unknown 99: the unit's area, in lc_missing_ha, and no ecosystem row.
                for key in ["\(town)|all", "\(town)|\(red[i] != 0 ? "inside" : "outside")"] { missing[key, default: 0] += pixelArea / 1e4 }
                continue
            }
            for key in ["\(town)|all|all", "\(town)|\(eco)|all", "\(town)|all|\(red[i] != 0 ? "inside" : "outside")",
                        "\(town)|\(eco)|\(red[i] != 0 ? "inside" : "outside")"] {
                var s = sums[key, default: Sums()]
                s.pixels += 1
                s.area += pixelArea / 1e4
                // Fluxes where NPP and Rh are both valid; NEP is their difference (the raster's NEP
                // is the same to Float rounding, which the kernel tests check per pixel).
                if layers[0][i] != -9999 && layers[1][i] != -9999 {
                    s.fluxPixels += 1
                    s.npp += Double(layers[0][i]) * pixelArea / 1e6
                    s.rh += Double(layers[1][i]) * pixelArea / 1e6
                    s.nep += (Double(layers[0][i]) - Double(layers[1][i])) * pixelArea / 1e6
                    #expect(abs(layers[2][i] - (layers[0][i] - layers[1][i])) <= 1e-4 * max(1, abs(layers[0][i])))
                } else {
                    #expect(layers[2][i] == -9999)
                }
                if layers[3][i] != -9999 { s.carbon += Double(layers[3][i]) * pixelArea / 1e4 }
                sums[key] = s
            }
        }
        let csv = try ZonalCSV(path: out + "/zonal.csv")
        let township = csv.rows(level: "township")
        #expect(township.count == sums.count, "row count \(township.count) vs recomputed \(sums.count)")
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) || abs(a - b) < 1e-12 }
        for row in township {
            let key = "\(row["unit_id"]!)|\(row["ecosystem"]!)|\(row["redline"]!)"
            let s = try #require(sums[key], "no recomputed row for \(key)")
            #expect(Double(row["pixels"]!)! == s.pixels, "\(key) pixels")
            let lcMissing = row["ecosystem"] == "all" ? missing["\(row["unit_id"]!)|\(row["redline"]!)", default: 0] : 0
            #expect(close(Double(row["area_ha"]!)!, s.area + lcMissing), "\(key) area")
            #expect(close(Double(row["lc_missing_ha"]!)!, lcMissing) || lcMissing == 0 && row["lc_missing_ha"] == "0", "\(key) lc missing")
            #expect(Double(row["pixels_nep"]!)! == s.fluxPixels, "\(key) pixels_nep")
            #expect(close(Double(row["carbon_tc"]!)!, s.carbon), "\(key) carbon")
            guard s.fluxPixels > 0 else {
                #expect(row["npp_tc"] == "" && row["rh_tc"] == "" && row["nep_tc"] == "" && row["nep_tco2e"] == "", "\(key): missing, not 0")
                continue
            }
            #expect(close(Double(row["npp_tc"]!)!, s.npp), "\(key) npp \(row["npp_tc"]!) vs \(s.npp)")
            #expect(close(Double(row["rh_tc"]!)!, s.rh), "\(key) rh")
            #expect(close(Double(row["nep_tc"]!)!, s.nep), "\(key) nep")
            #expect(close(Double(row["nep_tco2e"]!)!, s.nep * 44 / 12), "\(key) nep co2e")
        }
    }

    @Test func everyPixelIsAccountedForOnce() throws {
        let copy = try DemoCopy("centre-count")
        copy.edit("  layer: townships\n", "  layer: townships\n  coverage: centre\n")
        let out = copy.dir.file("out")
        let r = try sinkmap("run", copy.scenePath, "--out", out, "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let int = { (x: Any?) in (x as! NSNumber).intValue }
        let totals = summary["totals"] as! [String: Any], left = summary["left_out"] as! [String: Any]
        let accounted = int(totals["pixels"]) + int(left["outside_zones"]) + int(left["landcover_nodata"]) + int(left["unknown_code_pixels"])
        #expect(accounted == int((summary["grid"] as! [String: Any])["pixels"]))
    }
}
