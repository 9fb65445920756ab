import ArgumentParser
import Foundation
import SinkmapEngine
import SinkmapScene
import SinkmapArchive
import SinkmapBase

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and with --submit, submit) a Slurm job array computing a scene in N shards and a merge job after it."
    )

    @Argument(help: "The scene file (YAML). Series are not supported yet.")
    var scene: String

    @Option(help: "Output directory of the merged run; the scripts, logs and shard directories go to DIR.slurm beside it.")
    var out: String

    @Option(parsing: .unconditional, help: "Number of shards (array tasks).")
    var shards: Int

    @Option(name: .customLong("tile-size"), parsing: .unconditional, help: "Tile edge in pixels (default: as sinkmap run).")
    var tileSize: Int?

    @Option(help: "Slurm partition (sbatch --partition).")
    var partition: String?

    @Option(help: "Time limit of each task and of the merge (sbatch --time).")
    var time: String?

    @Option(name: .customLong("cpus-per-task"), parsing: .unconditional, help: "CPUs of each task and of the merge (sbatch --cpus-per-task; also sinkmap's --threads).")
    var cpusPerTask: Int?

    @Option(help: "Memory of each task and of the merge (sbatch --mem, e.g. 4G).")
    var mem: String?

    @Flag(help: "Let the merge replace an existing output directory.")
    var overwrite = false

    @Flag(help: "Submit both jobs with sbatch (the merge with --dependency=afterok on the array) and print their ids.")
    var submit = false

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1 (got \(shards))") }
        if let c = cpusPerTask, c < 1 { throw ValidationError("--cpus-per-task must be at least 1 (got \(c))") }
        if let t = tileSize, t < 16 || t > 4096 { throw ValidationError("--tile-size must be between 16 and 4096 (got \(t))") }
    }

    func run() throws {
        try reportingErrors {
            let prepared = try SceneValidator.prepare(try SceneParser.load(path: scene))
            let plan = try RunPlan(prepared, tileSize: tileSize)
            guard shards <= plan.tiles.count else {
                throw Refusal("--shards \(shards): the scene has only \(plan.tiles.count) tiles of \(plan.tileSize) px; use at most \(plan.tiles.count) shards or a smaller --tile-size")
            }
            let outDir = URL(fileURLWithPath: out).standardizedFileURL.path
            if FileManager.default.fileExists(atPath: outDir), !overwrite {
                throw Refusal("\(out): already exists (use --overwrite to let the merge replace it)")
            }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let jobs = SlurmJobs(executable: exe, scene: prepared.scene.file, outDir: outDir, shards: shards, tileSize: tileSize,
                                 partition: partition, time: time, cpusPerTask: cpusPerTask, memory: mem, overwrite: overwrite,
                                 name: prepared.scene.name)
            try jobs.write()
            print("Wrote \(jobs.arrayScript) (\(shards) tasks, \(plan.tiles.count) tiles of \(plan.tileSize)) and \(jobs.mergeScript)")
            guard submit else {
                print("Submit with: id=$(sbatch --parsable \(shellQuoted(jobs.arrayScript))) && sbatch --dependency=afterok:$id \(shellQuoted(jobs.mergeScript))")
                return
            }
            let array = try sbatch([jobs.arrayScript])
            let merge = try sbatch(["--dependency=afterok:\(array)", jobs.mergeScript])
            print("Submitted shards as job \(array) (array 1-\(shards)) and the merge as job \(merge) (after every shard succeeds)")
            print("A failed task K: sbatch --array=K \(shellQuoted(jobs.arrayScript)), then sbatch --dependency=afterok:NEWID \(shellQuoted(jobs.mergeScript))")
        }
    }

    /// Runs `sbatch --parsable ARGS` and returns the job id.
    func sbatch(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sbatch", "--parsable"] + arguments
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        do { try p.run() } catch { throw Refusal("cannot run sbatch: \(error.localizedDescription)") }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let err = String(decoding: errData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        if p.terminationStatus == 127 { throw Refusal("sbatch not found on PATH (is Slurm installed here?); the scripts are written, submit them on a login node") }
        guard p.terminationStatus == 0, let id = text.split(separator: ";").first, Int(id) != nil else {
            throw Refusal("sbatch \(arguments.last ?? "") failed (status \(p.terminationStatus)): \(err.isEmpty ? text : err)")
        }
        return String(id)
    }
}
