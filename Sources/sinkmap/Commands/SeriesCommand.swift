import ArgumentParser
import Foundation
import SinkmapEngine
import SinkmapScene
import SinkmapSchedule
import SinkmapWorkflows

struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "Run the years of a monitoring series, then their change and trend (per pixel and per unit)."
    )

    @Argument(help: "The series file (YAML): name, and years as {YEAR: scene.yaml} or a list with template: (paths holding {year}).")
    var series: String

    @Option(name: .customLong("out"), help: "Output directory (must not exist unless --overwrite); each year in DIR/<year>/.")
    var out: String

    @Option(name: .customLong("memory"), parsing: .unconditional, help: "Memory budget per year's run, MiB (default 1024).")
    var memoryMiB: Int = 1024

    @Option(name: .customLong("ledger"), help: "Append every year to the carbon ledger CONN (a .gpkg path or PG:...) once the outputs are written.")
    var ledger: String?

    @OptionGroup var workers: ThreadsOption
    @OptionGroup var flags: OutputDirectoryFlags

    func validate() throws {
        guard memoryMiB >= 64 else { throw ValidationError("--memory must be at least 64 (MiB; got \(memoryMiB))") }
    }

    func run() throws {
        try reportingErrors {
            Interruption.install()
            let progress = ProgressMeter.automatic(quiet: flags.quiet)
            let file = try SeriesFile.load(path: series)
            let cache = ZoneLayerCache()
            let prepared = try SeriesRunner.prepare(file, cache: cache)
            let report = try interruptible(out: out) {
                try SeriesRunner.run(file, prepared: prepared, zoneLayerReads: cache.reads, options: SeriesOptions(
                    outDir: out, threads: workers.threads, overwrite: flags.overwrite, softwareVersion: Sinkmap.version,
                    memoryBudgetMiB: memoryMiB), progress: progress)
            }
            for w in report.warnings { warn(w) }
            print("Outputs in \(report.outDir): \(report.years.map { "\($0.year)/" }.joined(separator: " ")) series.csv change.csv trend.csv change/ trend/ summary.json")
            for y in report.years {
                print(String(format: "%d: NEP %.3f tC/yr, carbon stock %.3f tC (run %@)", y.year, y.report.total.nepTonnes,
                             y.report.total.carbonTonnes, String(y.runID.prefix(12))))
            }
            if let ledger {
                let ledgerDB = CarbonLedger(connection: ledger)
                for y in report.years {
                    let result = try ledgerDB.append(runDirectory: report.outDir + "/\(y.year)", year: y.year)
                    print("ledger \(ledger): \(y.year): \(result)")
                }
            }
        }
    }
}
