import Foundation
import GDALKit
import Testing
import TestSupport

/// Bit-for-bit identical results for every --threads and --tile-size.
@Suite struct DeterminismTests {
    func rasterBits(_ path: String) throws -> [UInt32] {
        let ds = try Dataset(path: path)
        var v = [Float](repeating: 0, count: ds.width * ds.height)
        try v.withUnsafeMutableBufferPointer { try ds.readRaw(band: 1, window: Window(width: ds.width, height: ds.height), into: $0.baseAddress!) }
        return v.map(\.bitPattern)
    }

    @Test func threadsAndTileSizesGiveIdenticalResults() throws {
        let dir = TempDir("determinism")
        let configs = [("1", "128"), ("4", "128"), ("1", "1024"), ("4", "1024")]
        var outs: [String] = []
        for (threads, tile) in configs {
            let out = dir.file("t\(threads)-s\(tile)")
            let r = try sinkmap("run", Repo.demoScene, "--out", out, "--threads", threads, "--tile-size", tile, "--quiet")
            #expect(r.status == 0, "\(r.stderr)")
            outs.append(out)
        }
        let reference = try Data(contentsOf: URL(fileURLWithPath: outs[0] + "/zonal.csv"))
        #expect(reference.count > 1000)
        for out in outs.dropFirst() {
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/zonal.csv")) == reference, "\(out): zonal.csv differs")
            // The catalogue outputs describe the same rasters: byte-identical too.
            for file in ["stac.json", "nep.qml", "carbon.qml"] {
                #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/" + file)) == Data(contentsOf: URL(fileURLWithPath: outs[0] + "/" + file)), "\(out): \(file) differs")
            }
        }
        for name in ["npp", "rh", "nep", "agb", "carbon"] {
            let ref = try rasterBits(outs[0] + "/\(name).tif")
            for out in outs.dropFirst() {
                #expect(try rasterBits(out + "/\(name).tif") == ref, "\(out): \(name).tif differs")
            }
        }
        // The runs did use several tiles and threads.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outs[1] + "/summary.json"))) as! [String: Any]
        let run = summary["run"] as! [String: Any]
        // (--threads beyond the cores runs as many workers as there are cores.)
        let ran = min(4, ProcessInfo.processInfo.activeProcessorCount)
        #expect((run["tiles"] as! NSNumber).intValue == 12 && (run["threads"] as! NSNumber).intValue == ran)
    }

    /// With SOURCE_DATE_EPOCH set, two runs write the same onemap.gpkg byte for byte, stamped
    /// with that date (without it GDAL stamps the time of writing, so the files differ).
    @Test func sourceDateEpochMakesTheGeoPackageReproducible() throws {
        let dir = TempDir("gpkg-date")
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "1704067200"
        env["OGR_CURRENT_DATE"] = nil
        for k in ["a", "b"] {
            let r = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--out", dir.file(k), "--quiet"], environment: env)
            try #require(r.status == 0, "\(r.stderr)")
            Thread.sleep(forTimeInterval: 1.1)  // a second apart: a wall-clock stamp would differ
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("a/onemap.gpkg")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("b/onemap.gpkg")))
        let same = a == b
        #expect(same && a.count > 10_000)
        let q = try runProcess("/usr/bin/ogrinfo", [dir.file("a/onemap.gpkg"), "-sql", "SELECT DISTINCT last_change FROM gpkg_contents"])
        // ogrinfo prints the one distinct stamp as a DateTime.
        #expect(q.status == 0 && q.stdout.contains("last_change (DateTime) = 2024/01/01 00:00:00+00")
                && q.stdout.components(separatedBy: "last_change (DateTime) =").count == 2, "\(q.stdout)\(q.stderr)")
    }
}
