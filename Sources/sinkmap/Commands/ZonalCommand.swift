import ArgumentParser
import Foundation
import GDALKit
import SinkmapEngine
import SinkmapScene
import SinkmapArchive
import SinkmapWorkflows
import SinkmapBase

struct ZonalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zonal",
        abstract: "Sum, mean, min, max, count and area of a raster band over each polygon, as CSV."
    )

    @Argument(help: "A raster GDAL can open.")
    var raster: String

    @Option(help: "A polygon file (GeoPackage, Shapefile, GeoJSON, ...).")
    var zones: String

    @Option(help: "The layer of the polygon file (default: its only layer).")
    var layer: String?

    @Option(help: "Field that identifies each polygon (default: the feature id).")
    var id: String?

    @Option(help: "Band number.")
    var band: Int = 1

    @Option(help: "Output CSV (default: standard output).")
    var out: String?

    @Flag(help: "Replace an existing --out file.")
    var overwrite = false

    @Option(help: "exact (each pixel by the fraction the polygon covers, as exactextract) or centre (whole pixels by their centre).")
    var coverage: String = "exact"

    @OptionGroup var workers: ThreadsOption

    func validate() throws {
        guard band >= 1 else { throw ValidationError("--band must be at least 1 (got \(band))") }
        guard Coverage(rawValue: coverage) != nil else { throw ValidationError("--coverage must be exact or centre (got \(coverage))") }
    }

    func run() throws {
        try reportingErrors {
            if let out, FileManager.default.fileExists(atPath: out), !overwrite {
                throw Refusal("\(out): already exists (use --overwrite to replace it)")
            }
            let result = try ZonalStatistics.compute(raster: raster, band: band, zones: zones, layer: layer,
                                                     idField: id, threads: max(1, workers.threads), coverage: Coverage(rawValue: coverage)!)
            let csv = result.csv()
            if let out {
                try Data(csv.utf8).write(to: URL(fileURLWithPath: out))
            } else {
                print(csv, terminator: "")
            }
        }
        // Done: the output is written and closed. Skip the libraries' exit-time teardown (GDAL
        // unregistering ~200 drivers, PROJ and its database, ...), which would add ~10 ms to a
        // command that often runs once per raster in a loop.
        fflush(nil)
        _exit(0)
    }
}
