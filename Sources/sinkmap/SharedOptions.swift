import ArgumentParser
import Foundation
import GDALKit

/// `--threads`, shared by every command that runs workers (run, merge, series, composite, zonal).
struct ThreadsOption: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads (default: the number of active processors; no more run than there are cores or work items).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads))") }
    }
}

/// `--overwrite` and `--quiet`, shared by the commands that write an output directory (run,
/// merge, series, composite).
struct OutputDirectoryFlags: ParsableArguments {
    @Flag(help: "Replace an existing output directory (only once the new one is complete).")
    var overwrite = false

    @Flag(help: "No progress on stderr.")
    var quiet = false
}

/// `--compress`, shared by the commands that write the run's COGs (run, merge).
struct CompressionOption: ParsableArguments {
    @Option(name: .customLong("compress"), help: CompressOption.help)
    var compress: String = COGCompression.default.description

    func validate() throws { _ = try CompressOption.parse(compress) }

    /// The parsed value (checked by `validate()`).
    func compression() throws -> COGCompression { try CompressOption.parse(compress) }
}
