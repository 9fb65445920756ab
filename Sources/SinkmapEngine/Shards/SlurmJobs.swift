import Foundation

/// `sinkmap slurm`: two sbatch scripts for a sharded run, written into a work directory
/// beside the output. `shards.sbatch` is a job array, task K (1..N) running
/// `sinkmap run SCENE --shard auto/N` into `WORK/shard-K`; `merge.sbatch` merges the N shard
/// directories into `DIR` and is submitted with `--dependency=afterok:` on the array.
/// A failed task can be resubmitted alone (`sbatch --array=K WORK/shards.sbatch`): it knows N.
public struct SlurmJobs: Sendable, Equatable {
    public var executable: String
    /// Absolute paths.
    public var scene: String
    public var outDir: String
    public var shards: Int
    public var tileSize: Int?
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int?
    public var memory: String?
    public var overwrite: Bool
    public var name: String

    public init(executable: String, scene: String, outDir: String, shards: Int, tileSize: Int? = nil, partition: String? = nil,
                time: String? = nil, cpusPerTask: Int? = nil, memory: String? = nil, overwrite: Bool = false, name: String) {
        self.executable = executable
        self.scene = scene
        self.outDir = outDir
        self.shards = shards
        self.tileSize = tileSize
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.overwrite = overwrite
        self.name = name
    }

    /// `DIR.slurm`: the scripts, `logs/` and the shard directories.
    public var workDir: String { outDir + ".slurm" }
    public var arrayScript: String { workDir + "/shards.sbatch" }
    public var mergeScript: String { workDir + "/merge.sbatch" }
    public func shardDir(_ k: Int) -> String { workDir + "/shard-\(k)" }

    /// `text` as one shell word.
    static func quoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@%=,")
        if !text.isEmpty && text.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Job names keep to letters, digits and - _ . (Slurm shows them in squeue).
    var jobName: String {
        "sinkmap-" + String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }

    private func resources() -> String {
        var s = ""
        if let partition { s += "#SBATCH --partition=\(partition)\n" }
        if let time { s += "#SBATCH --time=\(time)\n" }
        if let cpusPerTask { s += "#SBATCH --cpus-per-task=\(cpusPerTask)\n" }
        if let memory { s += "#SBATCH --mem=\(memory)\n" }
        return s
    }

    private var threadsOption: String { cpusPerTask != nil ? " --threads \"$SLURM_CPUS_PER_TASK\"" : "" }

    /// The job array: one task per shard.
    public var arrayText: String {
        let q = SlurmJobs.quoted
        var s = "#!/bin/bash\n"
        s += "# sinkmap: \(shards) shards of \(scene); task K computes shard K/\(shards) into \(workDir)/shard-K.\n"
        s += "# Resubmit a failed task alone with: sbatch --array=K \(arrayScript)\n"
        s += "#SBATCH --job-name=\(jobName)\n#SBATCH --array=1-\(shards)\n"
        s += "#SBATCH --output=\(workDir)/logs/shard-%a.out\n" + resources()
        s += "set -euo pipefail\n"
        s += "exec \(q(executable)) run \(q(scene)) --shard auto/\(shards)"
        s += (tileSize.map { " --tile-size \($0)" } ?? "") + threadsOption
        s += " --out \(q(workDir))/shard-\"$SLURM_ARRAY_TASK_ID\" --overwrite --quiet\n"
        return s
    }

    /// The merge job (submitted after the array with afterok).
    public var mergeText: String {
        let q = SlurmJobs.quoted
        var s = "#!/bin/bash\n"
        s += "# sinkmap: merges the \(shards) shards of \(scene) into \(outDir).\n"
        s += "#SBATCH --job-name=\(jobName)-merge\n"
        s += "#SBATCH --output=\(workDir)/logs/merge.out\n" + resources()
        s += "set -euo pipefail\n"
        s += "exec \(q(executable)) merge"
        for k in 1...shards { s += " \(q(shardDir(k)))" }
        s += threadsOption + " --out \(q(outDir))" + (overwrite ? " --overwrite" : "") + " --quiet\n"
        return s
    }

    /// Writes both scripts (and `logs/`) into the work directory.
    public func write() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: workDir + "/logs", withIntermediateDirectories: true)
        for (path, text) in [(arrayScript, arrayText), (mergeScript, mergeText)] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }
}
