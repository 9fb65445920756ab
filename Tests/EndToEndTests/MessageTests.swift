import Foundation
import GDALKit
import Testing
import TestSupport

/// Messages that name the cause, and GDAL's ways of naming a dataset accepted as paths.
@Suite struct MessageTests {
    /// The one error line of a run that must fail, and that nothing was written.
    func refused(_ args: String..., out: String? = nil) throws -> String {
        let r = try runProcess(Repo.sinkmap, args)
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        if let out { #expect(!FileManager.default.fileExists(atPath: out)) }
        return r.stderr
    }

    @Test func yamlErrorsGiveLineColumnAndTheParsersExplanation() throws {
        let demo = try DemoCopy("yaml")
        demo.sceneText = "name: x\nlandcover: [landcover.tif\nparameters: classes.csv\n"
        let e = try refused("validate", demo.scenePath)
        #expect(e.contains("line 3, column 1") && e.contains("did not find expected ',' or ']'") && e.contains("flow sequence"), "\(e)")
    }

    @Test func plainSinkmapPrintsHelpAndExits64() throws {
        let r = try runProcess(Repo.sinkmap, [])
        #expect(r.status == 64)
        #expect(r.stdout.contains("SUBCOMMANDS") && r.stdout.contains("run"))
    }

    @Test func negativeThreadsAreAboutThreads() throws {
        let r = try sinkmap("run", Repo.demoScene, "--out", TempDir("t").file("out"), "--threads", "-1")
        #expect(r.status == 64)
        #expect(r.stderr.contains("--threads must be at least 1 (got -1)"), "\(r.stderr)")
    }

    @Test func moreThreadsThanCoresReportWhatRan() throws {
        let dir = TempDir("threads")
        let r = try sinkmap("run", Repo.demoScene, "--out", dir.file("out"), "--threads", "64")
        #expect(r.status == 0)
        let ran = min(ProcessInfo.processInfo.activeProcessorCount, 4)  // the demo has 4 tiles
        #expect(r.stderr.contains("\(ran) thread\(ran == 1 ? "" : "s") (64 asked;"), "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("out/summary.json")))) as! [String: Any]
        #expect(((summary["run"] as! [String: Any])["threads"] as! NSNumber).intValue == ran)
    }

    @Test func zonalRefusesToReplaceAFileWithoutOverwrite() throws {
        let dir = TempDir("zonal")
        let out = dir.file("z.csv")
        try "mine\n".write(toFile: out, atomically: true, encoding: .utf8)
        let demo = Repo.root + "/testdata/demo"
        let r = try sinkmap("zonal", demo + "/landcover.tif", "--zones", demo + "/admin/townships.gpkg", "--out", out)
        #expect(r.status == 1 && r.stderr.contains("already exists (use --overwrite"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "mine\n")
        let again = try sinkmap("zonal", demo + "/landcover.tif", "--zones", demo + "/admin/townships.gpkg", "--out", out, "--overwrite")
        let replaced = try String(contentsOfFile: out, encoding: .utf8)
        #expect(again.status == 0 && replaced != "mine\n")
    }

    @Test func memoryBudgetRefusesTilesThatWouldExceedIt() throws {
        let dir = TempDir("memory")
        let e = try refused("run", Repo.demoScene, "--out", dir.file("out"), "--tile-size", "4096", "--memory", "100", out: dir.file("out"))
        #expect(e.contains("above the memory budget of 100 MiB") && e.contains("MiB"), "\(e)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func monthlyRasterWithoutCRSGetsAHint() throws {
        let demo = try DemoCopy("nocrs")
        let src = try Dataset(path: demo.dir.file("climate/prec.tif"))
        let g = try src.grid()
        var v = [Float](repeating: 0, count: g.pixelCount)
        try v.withUnsafeMutableBufferPointer { try src.readRaw(band: 1, window: g.window, into: $0.baseAddress!) }
        let bare = Grid(crsWKT: "", transform: g.transform, width: g.width, height: g.height)
        try Fixtures.raster(demo.dir.file("prec-nocrs.tif"), grid: bare, bands: [v], nodata: -9999)
        demo.edit("precipitation: climate/prec.tif#1\n", "precipitation: prec-nocrs.tif\n")
        let e = try refused("validate", demo.scenePath)
        #expect(e.contains("prec-nocrs.tif") && e.contains("no coordinate reference system") && e.contains("-a_srs"), "\(e)")
    }

    /// A netCDF climate input named the GDAL way, `NETCDF:"file.nc":variable`, relative to the scene.
    @Test func netCDFSubdatasetIsAcceptedAsAPath() throws {
        let demo = try DemoCopy("netcdf")
        let nc = demo.dir.file("tmean-jan.nc")
        let made = try runProcess("/usr/bin/gdal_translate", ["-q", "-of", "netCDF", "-b", "1", demo.dir.file("climate/tmean.tif"), nc])
        #expect(made.status == 0, "\(made.stderr)")
        demo.edit("temperature: climate/tmean.tif#1\n", "temperature: NETCDF:\"tmean-jan.nc\":Band1\n")
        let out = demo.dir.file("out")
        let r = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        #expect(r.status == 0, "\(r.stderr)")
        // Same values as the GeoTIFF: the scene totals equal the demo's.
        let reference = demo.dir.file("ref")
        _ = try sinkmap("run", Repo.demoScene, "--out", reference, "--quiet")
        let viaNetCDF = try String(contentsOfFile: out + "/zonal.csv", encoding: .utf8)
        let viaGeoTIFF = try String(contentsOfFile: reference + "/zonal.csv", encoding: .utf8)
        #expect(viaNetCDF == viaGeoTIFF)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let inputs = summary["inputs"] as! [[String: Any]]
        let input = try #require(inputs.first { ($0["path"] as! String).hasPrefix("NETCDF:") })
        #expect(input["path"] as? String == "NETCDF:\"\(nc)\":Band1")
        #expect((input["sha256"] as! String).count == 64)
    }
}
