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
}
