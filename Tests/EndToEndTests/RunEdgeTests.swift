import Foundation
import GDALKit
import Testing
import TestSupport
import SinkmapArchive

/// Behaviour of `run` at the edges: what it refuses to overwrite, what it reports.
@Suite struct RunEdgeTests {
    @Test func refusesToWriteOverTheScenesInputs() throws {
        let demo = try DemoCopy("protect")
        for target in [demo.dir.path, demo.dir.file("admin")] {
            let r = try sinkmap("run", demo.scenePath, "--out", target, "--overwrite", "--quiet")
            #expect(r.status != 0)
            #expect(r.stderr.contains("holds an input of the scene"), "\(r.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: demo.scenePath))
        #expect(FileManager.default.fileExists(atPath: demo.dir.file("admin/townships.gpkg")))
    }

    @Test func refusesToReplaceAFolderThatIsNotAnOutput() throws {
        let dir = TempDir("foreign")
        let target = dir.file("mine")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try "x".write(toFile: target + "/notes.txt", atomically: true, encoding: .utf8)
        let r = try sinkmap("run", Repo.demoScene, "--out", target, "--overwrite", "--quiet")
        #expect(r.status != 0)
        #expect(r.stderr.contains("is not a sinkmap output"))
        #expect(FileManager.default.fileExists(atPath: target + "/notes.txt"))
    }

    @Test func unknownCodesAreListedOnStderrEvenWhenQuiet() throws {
        let dir = TempDir("quiet")
        let r = try sinkmap("run", Repo.demoScene, "--out", dir.file("out"), "--quiet")
        #expect(r.status == 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.contains("sinkmap: warning: land-cover codes not in the parameter table, left out: 99 (30 px)"), "\(r.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("sinkmap: warning: ") }, "only warnings under --quiet: \(r.stderr)")
    }

    @Test func negativePrecipitationIsNodataAndCounted() throws {
        let demo = try DemoCopy("negative")
        let p = try Dataset(path: Repo.root + "/testdata/demo/climate/prec.tif")
        let g = try p.grid()
        var bands: [[Float]] = []
        for b in 1...12 {
            var v = [Float](repeating: 0, count: g.pixelCount)
            try v.withUnsafeMutableBufferPointer { try p.readRaw(band: b, window: g.window, into: $0.baseAddress!) }
            bands.append(v)
        }
        bands[6] = bands[6].map { $0 == -9999 ? $0 : -$0 }  // July precipitation negative everywhere
        try Fixtures.raster(demo.dir.file("prec-negative.tif"), grid: g, bands: bands, nodata: -9999)
        demo.edit("precipitation: climate/prec.tif#7", "precipitation: prec-negative.tif#7")
        let out = demo.dir.file("out")
        let r = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("pixels have negative precipitation (left as nodata)"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let left = summary["left_out"] as! [String: Any]
        let totals = summary["totals"] as! [String: Any]
        let negative = (left["negative_precipitation"] as! NSNumber).intValue
        #expect(negative > 100_000)
        // Every accounted pixel of a CASA class lost NPP/Rh/NEP (nep_missing); only the classes
        // without flux (method none: water, urban, barren) keep theirs, at 0.
        let pixels = (totals["pixels"] as! NSNumber).intValue, withNEP = (totals["pixels_nep"] as! NSNumber).intValue
        #expect((left["nep_missing"] as! NSNumber).intValue + withNEP == pixels)
        let csv = try ZonalCSV(path: out + "/zonal.csv")
        let byEcosystem = csv.rows(level: "city", redline: "all").filter { $0["ecosystem"] != "all" }
        #expect(byEcosystem.count >= 4)
        for row in byEcosystem {
            if ["water", "urban", "other"].contains(row["ecosystem"]!) {
                #expect(row["pixels_nep"] == row["pixels"] && row["npp_tc"] == "0" && row["rh_tc"] == "0" && row["nep_tc"] == "0")
            } else {
                // Missing, not zero: the flux cells are empty.
                #expect(row["pixels_nep"] == "0" && row["npp_tc"] == "" && row["rh_tc"] == "" && row["nep_tc"] == "", "\(row)")
            }
        }
        #expect(withNEP == byEcosystem.filter { ["water", "urban", "other"].contains($0["ecosystem"]!) }.map { Int($0["pixels"]!)! }.reduce(0, +))
        let city = try #require(csv.rows(level: "city", ecosystem: "all", redline: "all").first)
        #expect(city["carbon_tc"] != "" && city["area_ha"] != "")
    }
}

/// Bands of one file read in an order that is not their file order take the scattered
/// path of a read group; the results must equal the demo's.
@Suite struct ReadGroupTests {
    @Test func reversedBandOrderGivesTheSameTotals() throws {
        let demo = try DemoCopy("reversed")
        let t = try Dataset(path: Repo.root + "/testdata/demo/climate/tmean.tif")
        let g = try t.grid()
        var bands: [[Float]] = []
        for b in (1...12).reversed() {
            var v = [Float](repeating: 0, count: g.pixelCount)
            try v.withUnsafeMutableBufferPointer { try t.readRaw(band: b, window: g.window, into: $0.baseAddress!) }
            bands.append(v)
        }
        try Fixtures.raster(demo.dir.file("tmean-reversed.tif"), grid: g, bands: bands, nodata: -9999)
        for m in 1...12 where demo.sceneText.contains("temperature: climate/tmean.tif#\(m)\n") {
            demo.edit("temperature: climate/tmean.tif#\(m)\n", "temperature: tmean-reversed.tif#\(13 - m)\n")
        }
        // December's temperature is in the mapping form in the demo scene.
        if demo.sceneText.contains("path: climate/tmean.tif, band: 12") {
            demo.edit("path: climate/tmean.tif, band: 12", "path: tmean-reversed.tif, band: 1")
        }
        #expect(!demo.sceneText.contains("climate/tmean.tif"))
        let a = try sinkmap("run", demo.scenePath, "--out", demo.dir.file("out"), "--quiet")
        #expect(a.status == 0, "\(a.stderr)")
        let b = try sinkmap("run", Repo.demoScene, "--out", demo.dir.file("ref"), "--quiet")
        #expect(b.status == 0)
        let mine = try Data(contentsOf: URL(fileURLWithPath: demo.dir.file("out/zonal.csv")))
        let reference = try Data(contentsOf: URL(fileURLWithPath: demo.dir.file("ref/zonal.csv")))
        #expect(mine == reference)
    }
}
