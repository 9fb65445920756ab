import Foundation
import GDALKit
import SinkmapEngine
import Testing
import TestSupport
import SinkmapArchive

/// `sinkmap run --shard K/N` and `sinkmap merge`, through the executable: three shards run in
/// any order merge into the same bytes as one run; shards that do not belong together are
/// refused with one line naming what differs.
@Suite(.serialized) struct ShardTests {
    static let rasters = ["npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif"]

    /// The demo (512 × 384) in 24 tiles of 96 px, 6 to a row, so that each of 3 shards (8 tiles)
    /// ends in the middle of a tile row: the whole run, and shards 3/3, 1/3, 2/3 (in that order).
    final class Runs: @unchecked Sendable {
        let dir = TempDir("shards")
        init() throws {
            for args in [["--out", dir.file("whole")]] + [3, 1, 2].map({ ["--shard", "\($0)/3", "--out", dir.file("s\($0)")] }) {
                let r = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--tile-size", "96", "--threads", "2", "--quiet"] + args)
                try #require(r.status == 0, "sinkmap run \(args): \(r.stderr)")
            }
        }
        func merge(_ shards: [String], out: String, _ extra: [String] = []) throws -> ProcessResult {
            try runProcess(Repo.sinkmap, ["merge"] + shards.map(dir.file) + ["--out", dir.file(out), "--threads", "2", "--quiet"] + extra)
        }
    }
    static let runs = Result { try Runs() }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A summary without what legitimately differs between two runs of one scene: the run
    /// block (command line, start and end), the timings, the shard list, and the GeoPackage's
    /// checksum (GDAL stamps the time of writing into a GeoPackage).
    func comparable(_ path: String) throws -> Summary {
        var s = try Summary.read(path: path)
        s.run.commandLine = []
        s.run.startedUTC = ""
        s.run.finishedUTC = ""
        s.run.kernels = nil   // the build of the kernels that ran: a run's, absent after a merge
        s.timingsSeconds = [:]
        s.shards = nil
        s.outputs = s.outputs.filter { $0.file != "onemap.gpkg" }
        return s
    }

    @Test func threeShardsInAnyOrderMergeToTheBytesOfOneRun() throws {
        let runs = try Self.runs.get()
        let m = try runs.merge(["s2", "s3", "s1"], out: "merged")
        try #require(m.status == 0, "merge: \(m.stderr)")
        for name in Self.rasters + ["zonal.csv"] {
            let whole = try bytes(runs.dir.file("whole/" + name)), merged = try bytes(runs.dir.file("merged/" + name))
            let same = whole == merged  // a Bool: Swift Testing would diff two differing Data byte by byte
            #expect(same, "\(name) differs")
        }
        // The rasters are real outputs, not empty files.
        #expect(try bytes(runs.dir.file("merged/nep.tif")).count > 10_000)
        let wholeSummary = try comparable(runs.dir.file("whole/summary.json"))
        let mergedSummary = try comparable(runs.dir.file("merged/summary.json"))
        #expect(wholeSummary == mergedSummary)
        let merged = try Summary.read(path: runs.dir.file("merged/summary.json"))
        #expect(merged.shards?.map(\.shard) == ["1/3", "2/3", "3/3"])
        #expect(merged.shards?.map(\.tiles) == [[0, 8], [8, 16], [16, 24]])
        // The GeoPackage: the same layers, fields and features (ogrinfo's listing).
        func listing(_ d: String) throws -> String {
            let r = try runProcess("/usr/bin/ogrinfo", ["-al", "-q", runs.dir.file(d + "/onemap.gpkg")])
            try #require(r.status == 0, "\(r.stderr)")
            return r.stdout
        }
        let wholeLayers = try listing("whole"), mergedLayers = try listing("merged")
        #expect(wholeLayers.contains("OGRFeature") && wholeLayers == mergedLayers)
        // Nothing but the outputs is left in the merged directory (no VRT, no intermediates).
        let files = try FileManager.default.contentsOfDirectory(atPath: runs.dir.file("merged")).sorted()
        let wholeFiles = try FileManager.default.contentsOfDirectory(atPath: runs.dir.file("whole")).sorted()
        #expect(files == wholeFiles)
    }

    /// `merge --compress` encodes the COGs as asked (as `run --compress` does), with the same pixels.
    @Test func mergeCompressesAsAsked() throws {
        let runs = try Self.runs.get()
        let m = try runs.merge(["s1", "s2", "s3"], out: "merged-zstd", ["--compress", "zstd"])
        try #require(m.status == 0, "merge: \(m.stderr)")
        for name in Self.rasters {
            let info = try runProcess("/usr/bin/gdalinfo", [runs.dir.file("merged-zstd/" + name)])
            #expect(info.stdout.contains("COMPRESSION=ZSTD"), "\(name) is not ZSTD")
            let whole = try Dataset(path: runs.dir.file("whole/" + name)), zstd = try Dataset(path: runs.dir.file("merged-zstd/" + name))
            let n = whole.width * whole.height
            var a = [Float](repeating: 0, count: n), b = [Float](repeating: 1, count: n)
            let window = Window(col: 0, row: 0, width: whole.width, height: whole.height)
            try a.withUnsafeMutableBufferPointer { try whole.readRaw(band: 1, window: window, into: $0.baseAddress!) }
            try b.withUnsafeMutableBufferPointer { try zstd.readRaw(band: 1, window: window, into: $0.baseAddress!) }
            let same = a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
            #expect(same, "\(name): pixels differ from the whole run")
        }
        let bad = try runs.merge(["s1", "s2", "s3"], out: "merged-bad", ["--compress", "brotli"])
        #expect(bad.status != 0 && bad.stderr.contains("--compress must be deflate") && bad.stderr.contains("(got 'brotli')"))
    }

    /// One refusal: exit 1, one line on stderr containing `words`, no output directory.
    func refused(_ r: ProcessResult, out: String, _ words: [String]) throws {
        let dir = try Self.runs.get().dir
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("sinkmap: error: "))
        for w in words { #expect(r.stderr.contains(w), "'\(w)' not in: \(r.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: dir.file(out)))
    }

    @Test func aMissingShardIsRefused() throws {
        let runs = try Self.runs.get()
        try refused(try runs.merge(["s1", "s3"], out: "missing"), out: "missing", ["shard 2/3 missing", "--shard K/3"])
    }

    @Test func aDuplicatedShardIsRefused() throws {
        let runs = try Self.runs.get()
        let copy = runs.dir.file("s2-again")
        if !FileManager.default.fileExists(atPath: copy) { try FileManager.default.copyItem(atPath: runs.dir.file("s2"), toPath: copy) }
        try refused(try runs.merge(["s1", "s2", "s2-again", "s3"], out: "dup"), out: "dup", ["shard 2/3 is given twice", "s2-again"])
    }

    @Test func aShardOfAnotherSceneIsRefused() throws {
        let runs = try Self.runs.get()
        // The demo with another carbon fraction: the same grid and plan, another scene.
        let other = try DemoCopy("shards-other")
        other.edit("carbon_fraction: 0.47", "carbon_fraction: 0.5")
        let r = try runProcess(Repo.sinkmap, ["run", other.scenePath, "--shard", "3/3", "--tile-size", "96", "--quiet",
                                              "--out", runs.dir.file("other3")])
        try #require(r.status == 0, "\(r.stderr)")
        try refused(try runs.merge(["s1", "s2", "other3"], out: "mixed"), out: "mixed", ["other3", "another scene", other.scenePath])
    }

    @Test func shardsOfAnotherTileSizeOrSplitOrBuildAreRefused() throws {
        let runs = try Self.runs.get()
        let r = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--shard", "2/2", "--tile-size", "256", "--quiet",
                                              "--out", runs.dir.file("t256")])
        try #require(r.status == 0, "\(r.stderr)")
        try refused(try runs.merge(["s1", "t256"], out: "tiles"), out: "tiles", ["t256", "tiles of 256 px", "96 px"])
        // Same tiles, split in 2 rather than 3.
        let h = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--shard", "2/2", "--tile-size", "96", "--quiet",
                                              "--out", runs.dir.file("half2")])
        try #require(h.status == 0, "\(h.stderr)")
        try refused(try runs.merge(["s1", "half2"], out: "split"), out: "split", ["half2", "of 2", "of 3"])
        // A shard made by another version of sinkmap (its manifest says so).
        let v = runs.dir.file("s3-v9")
        if !FileManager.default.fileExists(atPath: v) { try FileManager.default.copyItem(atPath: runs.dir.file("s3"), toPath: v) }
        let manifest = v + "/shard.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"version\" : \"0.1.0\"", with: "\"version\" : \"9.9.9\"")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        try refused(try runs.merge(["s1", "s2", "s3-v9"], out: "version"), out: "version", ["s3-v9", "sinkmap 9.9.9", "one build"])
    }

    @Test func badShardArgumentsAreRefused() throws {
        let dir = TempDir("shard-args")
        for (arg, words) in [("4/3", ["shard 4 of 3 does not exist"]), ("0/3", ["numbered 1 to 3"]), ("two/3", ["'two' is not a number"]),
                             ("auto", ["neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX"]),
                             ("13/13", ["only 12 tiles", "at most 12 shards"])] {
            let r = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--shard", arg, "--tile-size", "128", "--quiet",
                                                  "--out", dir.file("x")], environment: [:])
            #expect(r.status == 1, "--shard \(arg)")
            #expect(r.stderr.split(separator: "\n").count == 1, "--shard \(arg): \(r.stderr)")
            for w in words { #expect(r.stderr.contains(w), "--shard \(arg): '\(w)' not in \(r.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: dir.file("x")))
        }
    }
}
