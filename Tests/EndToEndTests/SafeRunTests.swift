import Foundation
import Testing
import TestSupport

/// Safe runs, end to end with the `sinkmap` binary: one run per output directory, SIGINT and
/// SIGTERM leave nothing behind, a SIGKILL at any instant of an `--overwrite` run leaves `DIR`
/// as the old or the new complete output, and a full disk is one error line naming a file.
/// Serialized: the kill test times runs and the machine is small.
@Suite(.serialized) struct SafeRunTests {
    static let rasters = ["npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif"]
    /// Settings that make the demo's tile phase long enough to act during it.
    static let slow = ["--tile-size", "16", "--threads", "1"]

    /// Starts `sinkmap` with stderr going to `stderrFile` (nothing when nil).
    static func launch(_ arguments: [String], cwd: String? = nil, stderrFile: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.sinkmap)
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        p.standardOutput = FileHandle.nullDevice
        if let stderrFile {
            _ = FileManager.default.createFile(atPath: stderrFile, contents: nil)
            p.standardError = FileHandle(forWritingAtPath: stderrFile)!
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }

    /// Waits until `path` exists while `p` runs; false when `p` ended first or 60 s passed.
    static func waitFor(_ path: String, while p: Process) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && p.isRunning {
            if FileManager.default.fileExists(atPath: path) { return true }
            usleep(1000)
        }
        return false
    }

    /// What is missing or wrong for `dir` to be a complete output (empty: complete).
    static func problems(_ dir: String) -> [String] {
        let fm = FileManager.default
        var found: [String] = []
        guard let data = fm.contents(atPath: dir + "/summary.json") else { return ["no summary.json in \(dir)"] }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return ["summary.json of \(dir) does not parse as a JSON object (\(data.count) bytes)"]
        }
        for name in rasters + ["zonal.csv"] where !fm.fileExists(atPath: dir + "/" + name) {
            found.append("\(name) missing")
        }
        // Every output the summary lists is there with the size it records.
        for entry in json["outputs"] as? [[String: Any]] ?? [] {
            guard let name = entry["file"] as? String, let bytes = (entry["bytes"] as? NSNumber)?.int64Value else { continue }
            let size = ((try? fm.attributesOfItem(atPath: dir + "/" + name))?[.size] as? NSNumber)?.int64Value
            if size != bytes { found.append("\(name): \(size.map(String.init) ?? "absent"), summary says \(bytes) bytes") }
        }
        return found
    }

    /// Entries of `parent` that belong to the output `name` but are not it (staging, lock).
    static func leftovers(_ parent: String, _ name: String = "out") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.hasPrefix("." + name + ".") }.sorted()
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    static func startedUTC(_ dir: String) -> String {
        guard let data = FileManager.default.contents(atPath: dir + "/summary.json"),
              let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let run = json["run"] as? [String: Any] else { return "?" }
        return run["started_utc"] as? String ?? "?"
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n", omittingEmptySubsequences: true) }

    // MARK: - One run per DIR

    @Test func secondConcurrentRunIsRefusedNamingTheFirst() throws {
        let dir = TempDir("concurrent")
        let out = dir.file("out")
        let a = try Self.launch(["run", Repo.demoScene, "--out", out, "--quiet"] + Self.slow)
        let staging = dir.file(".out.partial-\(a.processIdentifier)")
        guard Self.waitFor(staging, while: a) else {
            a.waitUntilExit()
            Issue.record("run A finished before its staging folder was seen")
            return
        }
        // Hold A still mid-run (it keeps its lock) so B surely meets it, then let it go on.
        kill(a.processIdentifier, SIGSTOP)
        let start = Date()
        let b = try sinkmap("run", Repo.demoScene, "--out", out, "--quiet", "--tile-size", "16", "--threads", "1")
        let bSeconds = Date().timeIntervalSince(start)
        let aStillRunning = a.isRunning
        kill(a.processIdentifier, SIGCONT)
        a.waitUntilExit()

        #expect(aStillRunning)
        #expect(b.status == 1, "B: exit \(b.status), stderr: \(b.stderr)")
        #expect(bSeconds < 20, "B took \(bSeconds) s to give up")
        let bLines = Self.lines(b.stderr)
        #expect(bLines.count == 1, "B's stderr: \(b.stderr)")
        #expect(b.stderr.hasPrefix("sinkmap: error: \(out): another sinkmap run is writing it ("), "B's stderr: \(b.stderr)")
        #expect(b.stderr.contains("pid \(a.processIdentifier))"), "B's stderr does not name A (pid \(a.processIdentifier)): \(b.stderr)")

        #expect(a.terminationReason == .exit && a.terminationStatus == 0, "A: \(a.terminationReason) \(a.terminationStatus)")
        #expect(Self.problems(out).isEmpty, "A's output: \(Self.problems(out))")
        #expect(Self.leftovers(dir.path).isEmpty, "left beside DIR: \(Self.leftovers(dir.path))")
    }

    // MARK: - SIGINT / SIGTERM

    @Test(arguments: [SIGINT, SIGTERM])
    func signalStopsTheRunAndLeavesNothing(signal: Int32) throws {
        let expected: Int32 = signal == SIGINT ? 130 : 143
        let dir = TempDir("signal")
        let errFile = dir.file("stderr.txt")
        // A relative --out: the message repeats it as given.
        let outArg = "./out"
        let p = try Self.launch(["run", Repo.demoScene, "--out", outArg] + Self.slow, cwd: dir.path, stderrFile: errFile)
        let layers = dir.file(".out.partial-\(p.processIdentifier)/.layers.tif")
        let sawLayers = Self.waitFor(layers, while: p)
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        let stderr = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        #expect(sawLayers, "the run finished before it could be interrupted")
        #expect(p.terminationReason == .exit, "ended by \(p.terminationReason), status \(p.terminationStatus)")
        #expect(p.terminationStatus == expected, "exit \(p.terminationStatus); stderr: \(stderr)")
        #expect(Self.lines(stderr).last.map(String.init) == "sinkmap: interrupted; nothing written to \(outArg)", "stderr: \(stderr)")
        #expect(!stderr.contains("sinkmap: error:"), "stderr: \(stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")), "an interrupted run left DIR")
        #expect(Self.leftovers(dir.path).isEmpty, "left beside DIR: \(Self.leftovers(dir.path))")
    }

    // MARK: - SIGKILL during --overwrite

    @Test func sigkillDuringOverwriteLeavesOldOrNewCompleteOutput() throws {
        let dir = TempDir("overkill")
        let out = dir.file("out")
        let base = ["run", Repo.demoScene, "--out", out, "--quiet", "--tile-size", "64"]
        let first = try runProcess(Repo.sinkmap, base)
        try #require(first.status == 0, "\(first.stderr)")
        let start = Date()
        let timed = try runProcess(Repo.sinkmap, base + ["--overwrite"])
        let duration = Date().timeIntervalSince(start)
        try #require(timed.status == 0, "\(timed.stderr)")
        try #require(Self.problems(out).isEmpty, "\(Self.problems(out))")

        // Kill instants spread over the whole run: one in each eighth, at a seeded place in it.
        var rng = SeededGenerator(seed: 0x5AFE_2026)
        let trials = 8
        let delays = (0..<trials).map { (Double($0) + Double.random(in: 0..<1, using: &rng)) / Double(trials) * duration }
        var old = 0, new = 0, finishedFirst = 0
        var log: [String] = []
        for (i, delay) in delays.enumerated() {
            let before = Self.inode(out)
            let p = try Self.launch(base + ["--overwrite"])
            usleep(useconds_t(delay * 1_000_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if p.terminationReason == .exit {
                finishedFirst += 1
                #expect(p.terminationStatus == 0, "trial \(i): the run ended by itself with status \(p.terminationStatus)")
            }
            let wrong = Self.problems(out)
            #expect(wrong.isEmpty, "trial \(i) (kill at \(String(format: "%.3f", delay)) s): DIR is not a complete output: \(wrong); beside it: \(Self.leftovers(dir.path))")
            let after = Self.inode(out)
            #expect(after != nil, "trial \(i): DIR is gone")
            let which = after == before ? "old" : "new"
            if after == before { old += 1 } else { new += 1 }
            log.append(String(format: "%d: %.3f s → %@ (started %@)%@", i, delay, which, Self.startedUTC(out),
                              p.terminationReason == .exit ? " [run had finished]" : ""))
        }
        print("sigkill during --overwrite: one run \(String(format: "%.3f", duration)) s; \(trials) kills: \(old) old, \(new) new (\(finishedFirst) runs finished before the kill)")
        for line in log { print("  " + line) }

        let last = try runProcess(Repo.sinkmap, base + ["--overwrite"])
        #expect(last.status == 0, "the run after the kills: \(last.stderr)")
        #expect(Self.problems(out).isEmpty, "\(Self.problems(out))")
        #expect(Self.leftovers(dir.path).isEmpty, "left beside DIR after a normal run: \(Self.leftovers(dir.path))")
    }

    // MARK: - Full disk

    @Test func fullDiskIsOneErrorLineNamingTheFileAndLeavesNothing() throws {
        guard getuid() == 0 else {
            print("skipped: full-disk test needs root to mount a tmpfs (uid \(getuid()))")
            return
        }
        let dir = TempDir("fulldisk")
        let mnt = dir.file("mnt")
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: false)
        let mount = try runProcess("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", mnt])
        guard mount.status == 0 else {
            print("skipped: cannot mount a tmpfs (exit \(mount.status)): \(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        defer { _ = try? runProcess("/usr/bin/env", ["umount", dir.file("mnt")]) }

        let out = mnt + "/out"
        let r = try sinkmap("run", Repo.demoScene, "--out", out, "--quiet")
        let errLines = Self.lines(r.stderr)
        let line = errLines.first.map(String.init) ?? ""
        #expect(r.status == 1, "exit \(r.status); stderr: \(r.stderr)")
        #expect(errLines.count == 1, "stderr: \(r.stderr)")
        #expect(line.hasPrefix("sinkmap: error:"), "stderr: \(r.stderr)")
        #expect(line.lowercased().contains("no space left"), "stderr: \(r.stderr)")
        // It names a file: a path inside the tmpfs ending in a file name with an extension.
        let names = line.range(of: NSRegularExpression.escapedPattern(for: mnt) + "/[^ :]*\\.[A-Za-z]+", options: .regularExpression)
        #expect(names != nil, "the line names no file under \(mnt): \(line)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: mnt)) ?? ["?"]
        #expect(left.isEmpty, "left in the full tmpfs: \(left)")
    }
}
