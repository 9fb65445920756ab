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

    @Option(parsing: .unconditional, help: "Threads compressing the rasters (default: the number of active processors).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("compress"), help: CompressOption.help)
    var compress: String = COGCompression.default.description

    @Flag(help: "Replace an existing output directory (only once the new one is complete).")
    var overwrite = false

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard directories to merge (sinkmap merge SHARDDIR... --out DIR)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        _ = try CompressOption.parse(compress)
    }

    func run() throws {
        try reportingErrors {
            Interruption.install()
            let progress = ProgressMeter.automatic(quiet: quiet)
            let report = try interruptible(out: out) {
                try ShardMerger.merge(shards, options: RunOptions(
                    outDir: out, threads: threads, overwrite: overwrite, softwareVersion: Sinkmap.version,
                    compression: CompressOption.parse(compress)), progress: progress)
            }
            for w in report.warnings { warn(w) }
            let t = report.total
            print("Merged \(shards.count) shards into \(report.outDir): \(runOutputs)")
            printSceneTotal(t)
        }
    }
}
