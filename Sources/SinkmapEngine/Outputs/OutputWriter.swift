import SinkmapArchive
import SinkmapBase

/// One output of a run beyond the five COGs (a table, a folder of tables), as a step of
/// `Engine.finalize`: the files it writes and the outputs it reads. What a writer reads is part of
/// its declaration, so "estimates.csv reads agb.tif" is a dependency that `OutputWriters.run`
/// checks, not an order kept by a comment.
struct OutputWriter {
    /// The output's name as the run directory shows it (a file, or a folder such as `scenario/`).
    var name: String
    /// Outputs (file names in the run directory) that must be complete before this one is written.
    var reads: Set<String> = []
    /// Writes into the run directory; returns the files written, in the order the summary lists them.
    var write: (OutputDirectory) throws -> [String]
}

/// Runs a list of output writers in their order.
enum OutputWriters {
    /// Checks that each writer reads only outputs in `written` or written by a writer before it.
    static func checkOrder(_ writers: [OutputWriter], after written: Set<String>) throws {
        var available = written
        for w in writers {
            let missing = w.reads.subtracting(available)
            if !missing.isEmpty {
                throw Refusal("\(w.name) reads \(missing.sorted().joined(separator: ", ")), not written before it")
            }
            available.insert(w.name)
        }
    }

    /// Writes every output of `writers` after checking their order against `written` (the outputs
    /// already complete); returns the files written.
    static func run(_ writers: [OutputWriter], after written: Set<String>, out: OutputDirectory) throws -> [String] {
        try checkOrder(writers, after: written)
        var files: [String] = []
        for w in writers { files += try w.write(out) }
        return files
    }
}
