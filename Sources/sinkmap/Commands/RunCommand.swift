import ArgumentParser
import Foundation
import GDALKit
import SinkmapEngine
import SinkmapScene
import SinkmapSchedule

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Compute NPP, Rh, NEP, biomass and carbon stock of a scene and the one map by unit."
    )

    @Argument(help: "The scene file (YAML).")
    var scene: String

    // Optional to the parser so that a misspelt option (`--output`) is reported by the parser as
    // unknown, which it does after `validate()`; required at the start of `run()`.
    @Option(name: .customLong("out"), help: "Output directory (required; must not exist unless --overwrite).")
    var outOption: String?
    var out: String { outOption ?? "" }

    @OptionGroup var workers: ThreadsOption

    @Option(name: .customLong("tile-size"), parsing: .unconditional, help: "Tile edge in pixels (default: the smallest multiple of the land cover's block size reaching 256).")
    var tileSize: Int?

    @Option(name: .customLong("memory"), parsing: .unconditional, help: "Memory budget for tile buffers and GDAL's cache, MiB (default 1024); a tile size that needs more is refused.")
    var memoryMiB: Int = 1024

    @OptionGroup var compression: CompressionOption
    @OptionGroup var flags: OutputDirectoryFlags

    @Option(help: "Compute only shard K of N (K/N; 'auto' from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; 'auto/N' also from Kubernetes' JOB_COMPLETION_INDEX): --out is then a shard directory for `sinkmap merge`.")
    var shard: String?

    func validate() throws {
        if let t = tileSize, t < 16 || t > 4096 { throw ValidationError("--tile-size must be between 16 and 4096 (got \(t))") }
        guard memoryMiB >= 64 else { throw ValidationError("--memory must be at least 64 (MiB; got \(memoryMiB))") }
    }

    func run() throws {
        guard outOption != nil else { throw usageError("--out DIR is required (the output directory)", of: Self.self) }
        try reportingErrors {
            Interruption.install()  // SIGINT/SIGTERM: stop at the next tile, leave nothing behind
            let progress = ProgressMeter.automatic(quiet: flags.quiet)
            let spec = try shard.map { try ShardSpec.parse($0, environment: ProcessInfo.processInfo.environment) }
            let parsed = try SceneParser.load(path: scene)
            let prepared = try SceneValidator.prepare(parsed)
            if let spec {
                try runShard(prepared, spec: spec, progress: progress)
                return
            }
            let report = try interruptible(out: out) {
                try SceneRunner.run(prepared, options: RunOptions(
                    outDir: out, threads: workers.threads, tileSize: tileSize, overwrite: flags.overwrite,
                    softwareVersion: Sinkmap.version, memoryBudgetMiB: memoryMiB,
                    compression: compression.compression()), progress: progress)
            }
            for w in report.warnings { warn(w) }
            let t = report.total
            print("Outputs in \(report.outDir): \(runOutputs)")
            printSceneTotal(t)
            let dir = shellQuoted(out)
            print("To look at them: gdalinfo -stats \(dir)/nep.tif   or   column -s, -t < \(dir)/zonal.csv | less -S")
        }
    }
}

extension RunCommand {
    /// `--shard K/N`: the shard's tiles into a shard directory.
    func runShard(_ prepared: PreparedScene, spec: ShardSpec, progress: ProgressMeter) throws {
        let m = try interruptible(out: out) {
            try ShardRunner.run(prepared, shard: spec, options: RunOptions(
                outDir: out, threads: workers.threads, tileSize: tileSize, overwrite: flags.overwrite,
                softwareVersion: Sinkmap.version, memoryBudgetMiB: memoryMiB), progress: progress)
        }
        print("Shard \(m.shard) of \(m.scene.name) in \(out): tiles \(m.tiles[0])..<\(m.tiles[1]) of \(m.tileCount)")
        print("When all \(m.shard.count) shards are done: sinkmap merge SHARDDIR... --out DIR")
    }
}

/// A warning on stderr, shown even with --quiet (SPEC: codes left out are listed on stderr).
func warn(_ text: String) {
    FileHandle.standardError.write(Data("sinkmap: warning: \(text)\n".utf8))
}

/// `text` as one shell word (single-quoted when it holds anything but safe characters).
func shellQuoted(_ text: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@%")
    if !text.isEmpty && text.allSatisfy(safe.contains) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
