import ArgumentParser
import Foundation
import SinkmapEngine
import SinkmapKernels
import SinkmapSchedule
import SinkmapWorkflows

struct CompositeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "composite",
        abstract: "Monthly NDVI composites (12 bands) of raw Landsat C2 L2 / Sentinel-2 L2A acquisitions, cloud-masked."
    )

    @Argument(help: "Folders or files holding the acquisitions (product file names, or CSV manifests: date,red,nir,qa,qa_type).")
    var inputs: [String] = []

    @Option(parsing: .unconditional, help: "The year to composite; acquisitions of other years are ignored and counted.")
    var year: Int?

    @Option(name: .customLong("out"), help: "Output directory (ndvi.tif, clear.tif, composite.json); must not exist unless --overwrite.")
    var outOption: String?

    @Option(help: "The output grid is this raster's (default: the first acquisition's).")
    var like: String?

    @Option(name: .customLong("grid"), help: "The output grid is this scene file's (its grid: block; default: the first acquisition's).")
    var gridScene: String?

    @Option(help: "max-ndvi (default: the largest clear NDVI of the month) or median.")
    var method: String = CompositeMethod.maxNDVI.rawValue

    @Option(help: "auto (default), landsat-c2-l2, sentinel2-l2a or manifest.")
    var sensor: String = SensorChoice.auto.rawValue

    @OptionGroup var workers: ThreadsOption
    @OptionGroup var flags: OutputDirectoryFlags

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one INPUT (a folder or file of acquisitions)") }
        guard let year else { throw ValidationError("--year Y is required (the year to composite)") }
        guard (1972...2200).contains(year) else { throw ValidationError("--year must be a year (got \(year))") }
        guard outOption != nil else { throw ValidationError("--out DIR is required (the output directory)") }
        guard like == nil || gridScene == nil else { throw ValidationError("give --like or --grid, not both") }
        guard CompositeMethod(rawValue: method) != nil else {
            throw ValidationError("--method must be max-ndvi or median (got '\(method)')")
        }
        guard SensorChoice(rawValue: sensor) != nil else {
            throw ValidationError("--sensor must be auto, landsat-c2-l2, sentinel2-l2a or manifest (got '\(sensor)')")
        }
    }

    func run() throws {
        try reportingErrors {
            Interruption.install()
            let out = outOption ?? ""
            let report = try interruptible(out: out) {
                try CompositeRunner.run(CompositeOptions(
                    inputs: inputs, year: year ?? 0, outDir: out, like: like, gridScene: gridScene,
                    method: CompositeMethod(rawValue: method) ?? .maxNDVI, sensor: SensorChoice(rawValue: sensor) ?? .auto,
                    threads: workers.threads, overwrite: flags.overwrite, softwareVersion: Sinkmap.version), progress: ProgressMeter.automatic(quiet: flags.quiet))
            }
            let used = Set(report.months.flatMap { $0.acquisitions.map(\.id) }).count
            print("Outputs in \(out): ndvi.tif clear.tif composite.json")
            print("\(used) acquisitions of \(report.year) composited (\(report.method)); \(report.ignoredOutsideYear.count) from other years ignored")
            for m in report.months where m.pixelsFilled > 0 || m.pixelsNodata > 0 {
                print("  \(m.month): \(m.acquisitions.count) acquisitions, \(m.pixelsFilled) pixels filled, \(m.pixelsNodata) nodata")
            }
        }
    }
}
