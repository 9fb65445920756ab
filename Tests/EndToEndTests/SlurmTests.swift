import Foundation
import SinkmapEngine
import Testing
import TestSupport
import SinkmapArchive

/// `sinkmap slurm --submit` on a real Slurm: Tests/fixtures/slurm-cluster starts a throwaway
/// single-node cluster (Debian's slurm-wlm and munge, a generated key, state in a temp dir),
/// the test submits a 4-shard array and its merge job, waits for the merge, compares the
/// result with a single run, and stops the cluster. Skipped only when not root or when the
/// packages cannot be installed (the fixture exits 3).
@Suite(.serialized, .enabled(if: getuid() == 0, "the throwaway cluster's daemons run as root"))
struct SlurmTests {
    static let script = Repo.root + "/Tests/fixtures/slurm-cluster"

    @Test func fourShardsSubmittedToSlurmMergeToTheBytesOfOneRun() throws {
        let dir = TempDir("slurm")
        let cluster = dir.file("cluster")
        let start = try runProcess("/bin/bash", [Self.script, "start", cluster])
        if start.status == 3 {
            print("skipped: Slurm test: \(start.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        try #require(start.status == 0, "slurm-cluster start exited \(start.status): \(start.stderr)")
        defer { _ = try? runProcess("/bin/bash", [Self.script, "stop", cluster]) }
        var env = ProcessInfo.processInfo.environment
        env["SLURM_CONF"] = cluster + "/slurm.conf"

        let whole = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--tile-size", "128", "--quiet", "--out", dir.file("whole")])
        try #require(whole.status == 0, "\(whole.stderr)")

        let submit = try runProcess(Repo.sinkmap, ["slurm", Repo.demoScene, "--out", dir.file("merged"), "--shards", "4",
                                                   "--tile-size", "128", "--cpus-per-task", "1", "--submit"], environment: env)
        try #require(submit.status == 0, "sinkmap slurm: \(submit.stderr)")
        // "Submitted shards as job A (array 1-4) and the merge as job B (...)"
        let words = submit.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let ids = words.indices.filter { words[$0] == "job" && $0 + 1 < words.count }.compactMap { Int(words[$0 + 1]) }
        try #require(ids.count == 2, "job ids not found in: \(submit.stdout)")
        let (array, merge) = (ids[0], ids[1])
        let scripts = try String(contentsOfFile: dir.file("merged.slurm/shards.sbatch"), encoding: .utf8)
        #expect(scripts.contains("#SBATCH --array=1-4") && scripts.contains("--shard auto/4"))

        // The merge depends on the array: wait until both have left the queue (10 min at most).
        let deadline = Date().addingTimeInterval(600)
        var queued = ""
        repeat {
            Thread.sleep(forTimeInterval: 1)
            let q = try runProcess("/usr/bin/env", ["squeue", "-h", "-j", "\(array),\(merge)", "-o", "%i %T"], environment: env)
            queued = q.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        } while !queued.isEmpty && Date() < deadline
        try #require(queued.isEmpty, "still queued after 10 minutes: \(queued)")
        let state = try runProcess("/usr/bin/env", ["scontrol", "show", "job", "\(merge)"], environment: env)
        let log = (try? String(contentsOfFile: dir.file("merged.slurm/logs/merge.out"), encoding: .utf8)) ?? ""
        try #require(state.stdout.contains("JobState=COMPLETED"), "merge job: \(state.stdout) \(log)")

        for name in ["npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif", "zonal.csv"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("whole/" + name)))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("merged/" + name)))
            let same = a == b  // a Bool: Swift Testing would diff two differing Data byte by byte
            #expect(same, "\(name) differs between the single run and the Slurm merge")
        }
        let summary = try Summary.read(path: dir.file("merged/summary.json"))
        #expect(summary.shards?.map(\.shard) == ["1/4", "2/4", "3/4", "4/4"])
        let single = try Summary.read(path: dir.file("whole/summary.json"))
        #expect(summary.totals == single.totals && summary.leftOut == single.leftOut)
    }
}
