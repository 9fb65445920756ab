import ArgumentParser
import CSinkmapSystem
import Foundation
import GDALKit
import SinkmapEngine
import SinkmapKernelVariants
import SinkmapKernels
import SinkmapScene
import SinkmapAccounting
import SinkmapSchedule
import SinkmapBase

@main
struct Sinkmap: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sinkmap",
        abstract: "Ecosystem carbon-sink accounting: NPP, Rh, NEP and carbon stock, the one map by administrative unit.",
        version: version,
        subcommands: [RunCommand.self, ValidateCommand.self, ZonalCommand.self, CalibrateCommand.self, InfoCommand.self,
                      SeriesCommand.self, LedgerCommand.self, ReportCommand.self, MergeCommand.self, SlurmCommand.self,
                      CompositeCommand.self]
    )

    /// `sinkmap` alone: the help, and the usage-error status (a command is required).
    func run() throws {
        print(Sinkmap.helpMessage())
        throw ExitCode(64)
    }
}

/// Exit statuses (SPEC section 1): 0 success; 1 bad input or a failure while running;
/// 64 a usage error (from the argument parser).
enum Exit {
    static let failure = ExitCode(1)
}

/// A usage error found in a command's `run()` (after the parser has had its say on unknown
/// options), printed as the parser prints its own: the message, the command's usage, exit 64.
func usageError<C: ParsableCommand>(_ message: String, of command: C.Type = C.self) -> ExitCode {
    let name = command.configuration.commandName ?? "\(command)"
    FileHandle.standardError.write(Data("""
        Error: \(message)
        Usage: \(Sinkmap.usageString(for: command))
          See 'sinkmap \(name) --help' for more information.

        """.utf8))
    return ExitCode(64)
}

/// Prints the one clear line for an error and returns the exit code.
func fail(_ error: Error) -> ExitCode {
    let text: String
    let ns = error as NSError
    if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
        // Foundation's file errors: the path and the reason, not the NSError dump.
        let file = (ns.userInfo[NSFilePathErrorKey] as? String).map { "\($0): " } ?? ""
        text = file + ns.localizedDescription
    } else {
        text = String(describing: error)  // sinkmap's errors describe themselves in one line
    }
    FileHandle.standardError.write(Data("sinkmap: error: \(text)\n".utf8))
    return Exit.failure
}

/// Runs a command body, turning any error into one line on stderr and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try requireKernelCPU()
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        throw fail(error)
    }
}

/// The kernels of an x86-64 build use AVX2 and FMA (`-target-cpu haswell`): on a CPU without
/// them the first kernel call would die with SIGILL. Refuse with one line instead; likewise a
/// SINKMAP_KERNELS that cannot be honoured.
func requireKernelCPU() throws {
    if KernelBuild.needsAVX2FMA, csinkmap_cpu_has_avx2_fma() == 0 {
        throw Refusal("this CPU lacks AVX2/FMA, which this build of sinkmap's kernels (\(KernelBuild.target)) needs; rebuild with SINKMAP_PORTABLE=1 swift build -c release")
    }
    if let problem = KernelVariant.problem(asked: KernelVariant.asked, supported: KernelVariant.supported) {
        throw Refusal(problem)
    }
}

/// Runs `body`, turning an interruption (SIGINT/SIGTERM) into its one line and exit status:
/// nothing is left in `out`.
func interruptible<T>(out: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let stop as Interruption.Interrupted {
        FileHandle.standardError.write(Data("sinkmap: interrupted; nothing written to \(out)\n".utf8))
        throw ExitCode(stop.exitCode)
    }
}

/// The scene total line that `run` and `merge` print.
func printSceneTotal(_ t: ZoneTotals) {
    print(String(format: "Scene total: %lld pixels, %.2f ha, NPP %.3f tC/yr, Rh %.3f tC/yr, NEP %.3f tC/yr, carbon stock %.3f tC",
                 t.pixels, t.areaHectares, t.nppTonnes, t.rhTonnes, t.nepTonnes, t.carbonTonnes))
}

/// `--compress` of `run` and `merge`: the help, and the value or one usage line.
enum CompressOption {
    static let help: ArgumentHelp = "Compression of the output COGs: deflate (level 1, the default), deflate:LEVEL (1-12), zstd[:LEVEL] (1-22; not every GIS reads it), lzw or none."

    static func parse(_ text: String) throws -> COGCompression {
        guard let c = COGCompression(parsing: text) else {
            throw ValidationError("--compress must be deflate, deflate:1-12, zstd, zstd:1-22, lzw or none (got '\(text)')")
        }
        return c
    }
}

/// What `run` and `merge` write, for their last lines.
let runOutputs = "npp.tif rh.tif nep.tif agb.tif carbon.tif zonal.csv onemap.gpkg stac.json summary.json, a QGIS style .qml beside each .tif"
