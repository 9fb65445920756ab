import ArgumentParser
import Foundation
import GDALKit
import SinkmapEngine
import SinkmapSchedule

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Put the shard directories of a run together into the outputs of the whole run (the same bytes)."
    )

    @Argument(help: "The shard directories (from sinkmap run --shard K/N), in any order.")
    var shards: [String] = []

    @Option(help: "Output directory (must not exist unless --overwrite).")
    var out: String

    @OptionGroup var workers: ThreadsOption
    @OptionGroup var flags: OutputDirectoryFlags
    @OptionGroup var compression: CompressionOption

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard directories to merge (sinkmap merge SHARDDIR... --out DIR)") }
    }

    func run() throws {
        try reportingErrors {
            Interruption.install()
            let progress = ProgressMeter.automatic(quiet: flags.quiet)
            let report = try interruptible(out: out) {
                try ShardMerger.merge(shards, options: RunOptions(
                    outDir: out, threads: workers.threads, overwrite: flags.overwrite, softwareVersion: Sinkmap.version,
                    compression: compression.compression()), progress: progress)
            }
            for w in report.warnings { warn(w) }
            let t = report.total
            print("Merged \(shards.count) shards into \(report.outDir): \(runOutputs)")
            printSceneTotal(t)
        }
    }
}
