import ArgumentParser
import Foundation
import SinkmapEngine
import SinkmapScene
import SinkmapArchive
import SinkmapWorkflows
import SinkmapBase

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Field plots → the AGB allometry fitted per class and kNN, cross-validated, with their accuracy."
    )

    @Argument(help: "The scene file (YAML).")
    var scene: String

    @Option(help: "The plots: any GDAL vector layer of points or polygons.")
    var plots: String

    @Option(help: "Field with the measured aboveground biomass, Mg/ha.")
    var agb: String

    @Option(help: "The layer of the plots file (default: its only layer).")
    var layer: String?

    @Option(help: "Field that identifies each plot (default: the feature id).")
    var id: String?

    @Option(name: .customLong("class"), help: "Field with each plot's land-cover code (default: the land cover covering most of its footprint).")
    var classField: String?

    @Option(help: "Footprint of a point: the circle of this radius in metres (default: the pixel containing it).")
    var radius: Double?

    @Option(help: "allometric or knn: the model calibration.json names and cv_scatter.svg plots (both are cross-validated).")
    var model: String = "allometric"

    @Option(help: "Folds of the cross-validation.")
    var folds: Int = 10

    @Option(help: "Seed of the fold assignment.")
    var seed: UInt64 = 1

    @Option(help: "Accuracy target (1 − relative RMSE).")
    var target: Double = 0.90

    @Option(help: "Fewest plots (with H > 0 and AGB > 0) a class needs to be fitted.")
    var minPlots: Int = 10

    @Option(help: "Neighbours of the kNN model.")
    var k: Int = 5

    @Option(help: "Land-cover codes to fit besides the classes with an allometry in the table (comma-separated).")
    var classes: String?

    @Flag(help: "Leave out, and count, plots that cannot be used instead of refusing.")
    var skipBad = false

    @Option(help: "The output directory (must not exist).")
    var out: String

    func validate() throws {
        guard CalibrationOptions.Model(rawValue: model) != nil else { throw ValidationError("--model must be allometric or knn (got \(model))") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2 (got \(folds))") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1 (got \(k))") }
        guard minPlots >= 3 else { throw ValidationError("--min-plots must be at least 3 (got \(minPlots))") }
        guard target > 0, target <= 1 else { throw ValidationError("--target must be in (0, 1] (got \(target))") }
        if let radius, !(radius > 0) || !radius.isFinite { throw ValidationError("--radius must be a positive number of metres (got \(radius))") }
        if let classes, classes.split(separator: ",").contains(where: { Int($0.trimmingCharacters(in: .whitespaces)) == nil }) {
            throw ValidationError("--classes must be land-cover codes separated by commas (got \(classes))")
        }
    }

    func run() throws {
        try reportingErrors {
            if FileManager.default.fileExists(atPath: out) {
                throw Refusal("\(out): already exists; calibrate writes a new directory (remove it or choose another)")
            }
            var o = CalibrationOptions()
            o.model = CalibrationOptions.Model(rawValue: model)!
            o.folds = folds
            o.seed = seed
            o.target = target
            o.minPlots = minPlots
            o.k = k
            o.classes = classes.map { $0.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces))! } } ?? []
            o.skipBad = skipBad
            let prepared = try SceneValidator.prepare(try SceneParser.load(path: scene))
            let source = PlotSource(path: plots, layer: layer, agbField: agb, idField: id, classField: classField, radius: radius)
            let found = try Calibration.usablePlots(scene: prepared, source: source, skipBad: skipBad)
            let result = try Calibration.calibrate(plots: found.plots, skipped: found.skipped, table: prepared.table,
                                                   carbonFraction: prepared.scene.options.carbonFraction, options: o)
            let dir = try OutputDirectory(final: out, overwrite: false, protecting: prepared.inputFiles.map(\.path) + [plots])
            let lines: [String]
            do {
                lines = try Calibration.write(result, scene: prepared, source: source, options: o,
                                              softwareVersion: Sinkmap.version, into: dir)
                try dir.commit()
            } catch {
                dir.abandon()
                throw error
            }
            for line in lines { print(line) }
            print("Outputs in \(out): classes.calibrated.csv calibration.json cv_folds.csv cv_scatter.svg")
        }
    }
}
