import ArgumentParser
import Foundation
import SinkmapEngine
import SinkmapWorkflows
import SinkmapBase

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The carbon ledger: an append-only record of runs per year in a GeoPackage or PostGIS database.",
        subcommands: [Append.self, Show.self]
    )

    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append a run's zonal.csv to the ledger (a run already recorded changes nothing; another run for a recorded year is a restatement).")

        @Argument(help: "A run's output directory (with summary.json and zonal.csv).")
        var runDir: String

        @Option(name: .customLong("to"), help: "The ledger: a GeoPackage path (created when missing) or a PostgreSQL connection (PG:dbname=... host=...).")
        var connection: String

        @Option(help: "The accounting year (default: the calendar year of the run's 12 months).")
        var year: Int?

        func run() throws {
            try reportingErrors {
                let ledger = CarbonLedger(connection: connection)
                let result = try ledger.append(runDirectory: runDir, year: year)
                try ledger.close()
                print("ledger \(ledger.connection): \(result)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the current figures (runs not restated) as CSV, optionally of one unit id and one year.")

        @Argument(help: "The ledger: a GeoPackage path or a PostgreSQL connection (PG:...).")
        var connection: String

        @Option(help: "Only this unit id (at any level).")
        var unit: String?

        @Option(help: "Only this year.")
        var year: Int?

        func run() throws {
            try reportingErrors {
                guard connection.hasPrefix("PG:") || FileManager.default.fileExists(atPath: connection) else {
                    throw Refusal("\(connection): no such ledger")
                }
                let ledger = CarbonLedger(connection: connection)
                print(CarbonLedger.csv(try ledger.current(unit: unit, year: year)), terminator: "")
            }
        }
    }
}
