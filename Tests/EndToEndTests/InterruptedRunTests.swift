import Foundation
import Testing
import TestSupport

/// A run killed part-way leaves nothing under the final name; rerunning succeeds.
@Suite struct InterruptedRunTests {
    @Test func sigkillLeavesNoOutputDirectoryAndRerunSucceeds() throws {
        let dir = TempDir("kill")
        let out = dir.file("out")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.sinkmap)
        // Small tiles and one thread make the tile phase last long enough to interrupt.
        p.arguments = ["run", Repo.demoScene, "--out", out, "--threads", "1", "--tile-size", "16", "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let staging = dir.file(".out.partial-\(p.processIdentifier)")
        // Wait until the run is writing its layers, then kill it.
        let deadline = Date().addingTimeInterval(60)
        var sawStaging = false
        while Date() < deadline && p.isRunning {
            if FileManager.default.fileExists(atPath: staging + "/.layers.tif") {
                sawStaging = true
                break
            }
            usleep(2000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(sawStaging, "the run finished before it could be interrupted")
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(!FileManager.default.fileExists(atPath: out), "a killed run left \(out)")

        let rerun = try sinkmap("run", Repo.demoScene, "--out", out, "--quiet")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/summary.json"))
        // The killed run's staging directory was cleaned up by the rerun.
        #expect(!FileManager.default.fileExists(atPath: staging))
    }

    @Test func existingDirectoryIsRefusedWithoutOverwrite() throws {
        let dir = TempDir("exists")
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        // An earlier output (it has a summary.json), with a file of the user's in it.
        try "{}".write(toFile: out + "/summary.json", atomically: true, encoding: .utf8)
        try "keep".write(toFile: out + "/mine.txt", atomically: true, encoding: .utf8)
        let r = try sinkmap("run", Repo.demoScene, "--out", out, "--quiet")
        #expect(r.status != 0)
        #expect(r.stderr.contains("already exists (use --overwrite"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: out + "/mine.txt"))
        let o = try sinkmap("run", Repo.demoScene, "--out", out, "--quiet", "--overwrite")
        #expect(o.status == 0, "\(o.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/mine.txt"))
        #expect(FileManager.default.fileExists(atPath: out + "/zonal.csv"))
    }

    @Test func badInputFoundMidRunLeavesNothingThatLooksComplete() throws {
        // A NDVI file that opens (so validation passes) but whose pixel data is truncated.
        let demo = try DemoCopy("midrun")
        let src = Repo.root + "/testdata/demo/ndvi/2023-07.tif"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: src))
        try FileManager.default.removeItem(atPath: demo.dir.file("ndvi"))
        try FileManager.default.createDirectory(atPath: demo.dir.file("ndvi"), withIntermediateDirectories: false)
        for m in 1...12 {
            let name = String(format: "2023-%02d.tif", m)
            try FileManager.default.copyItem(atPath: Repo.root + "/testdata/demo/ndvi/" + name, toPath: demo.dir.file("ndvi/" + name))
        }
        // Keep the header and tile offsets, zero the compressed tiles.
        var broken = bytes
        let start = broken.count / 4
        broken.replaceSubrange(start..<broken.count, with: Data(repeating: 0, count: broken.count - start))
        try broken.write(to: URL(fileURLWithPath: demo.dir.file("ndvi/2023-07.tif")))
        let out = demo.dir.file("out")
        let r = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("2023-07.tif"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: demo.dir.path).filter { $0.hasPrefix(".out") }
        #expect(leftovers.isEmpty, "staging left behind: \(leftovers)")
    }
}
