import Foundation
import GDALKit
import SinkmapScene
import SinkmapArchive
import SinkmapEngine
import SinkmapSchedule

/// How `series` is carried out.
public struct SeriesOptions: Sendable {
    public var outDir: String
    public var threads: Int
    public var overwrite: Bool
    public var softwareVersion: String
    public var commandLine: [String]
    public var memoryBudgetMiB: Int

    public init(outDir: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount, overwrite: Bool = false,
                softwareVersion: String = "dev", commandLine: [String] = CommandLine.arguments, memoryBudgetMiB: Int = 1024) {
        self.outDir = outDir
        self.threads = max(1, threads)
        self.overwrite = overwrite
        self.softwareVersion = softwareVersion
        self.commandLine = commandLine
        self.memoryBudgetMiB = memoryBudgetMiB
    }
}

/// What a finished series reports.
public struct SeriesReport: Sendable {
    public var outDir: String
    public var years: [(year: Int, report: RunReport, runID: String)]
    public var warnings: [String]
}

/// `sinkmap series`: every year validated first (zone layers read once, grid and zones
/// compared), then run one after another with all threads into `DIR/<year>/` exactly as
/// `run` would, then the change and trend rasters and the per-unit tables, and `DIR` renamed
/// into place when complete.
public enum SeriesRunner {
    public static let files = ["series.csv", "change.csv", "trend.csv"]
    static let rasterQuantities = [("nep", "gC m-2 yr-1"), ("carbon", "Mg C ha-1")]

    /// Validates every year's scene; refuses years that do not share the grid and zones.
    public static func prepare(_ series: SeriesFile, cache: ZoneLayerCache) throws -> [PreparedScene] {
        let prepared = try series.years.map { y -> PreparedScene in
            do {
                return try SceneValidator.prepare(y.scene, cache: cache)
            } catch let e as SceneError {
                throw SceneError(file: e.file, field: e.field, message: e.message + " (year \(y.year))")
            }
        }
        let shown = series.file.split(separator: "/").last.map(String.init) ?? series.file
        try SeriesCheck.sameGridAndZones(Array(zip(series.years.map(\.year), prepared)).map { ($0, $1) }, seriesFile: shown)
        return prepared
    }

    public static func run(_ series: SeriesFile, prepared: [PreparedScene], zoneLayerReads: Int, options: SeriesOptions,
                           progress: ProgressMeter) throws -> SeriesReport {
        GDAL.initialize()
        GDAL.limitCache(megabytes: 64)
        let started = Date()
        let protected = [series.file] + prepared.flatMap { [$0.scene.file] + $0.inputFiles.map(\.path) }
        let out = try OutputDirectory(final: options.outDir, overwrite: options.overwrite, protecting: protected)
        return try out.complete { out in
            try runStaged(series, prepared: prepared, zoneLayerReads: zoneLayerReads, options: options,
                          progress: progress, out: out, started: started)
        }
    }

    static func runStaged(_ series: SeriesFile, prepared: [PreparedScene], zoneLayerReads: Int, options: SeriesOptions,
                          progress: ProgressMeter, out: OutputDirectory, started: Date) throws -> SeriesReport {
        let years = series.years.map(\.year)
        var clock = Stopwatch()
        var timings: [String: Double] = [:]
        var done: [(year: Int, report: RunReport, runID: String)] = []
        var warnings: [String] = []
        for (year, scene) in zip(years, prepared) {
            try Interruption.check()
            progress.message("sinkmap: series \(series.name): year \(year) (\(done.count + 1) of \(years.count))")
            let report = try SceneRunner.run(scene, options: RunOptions(
                outDir: out.file(String(year)), threads: options.threads, tileSize: nil, overwrite: false,
                softwareVersion: options.softwareVersion, commandLine: options.commandLine,
                memoryBudgetMiB: options.memoryBudgetMiB), progress: progress)
            let runID = try RunID.of(try Summary.read(path: out.file("\(year)/summary.json")))
            warnings += report.warnings.map { "\(year): \($0)" }
            done.append((year, report, runID))
        }

        timings["years"] = clock.lap()
        progress.message("sinkmap: series \(series.name): change and trend")
        let tables = try years.map { try ZonalCSV(path: out.file("\($0)/zonal.csv")) }
        let units = try SeriesTables.units(tables)
        try OutputDirectory.write(SeriesTables.seriesCSV(units, years: years), to: out.file("series.csv"))
        try OutputDirectory.write(SeriesTables.changeCSV(units, years: years), to: out.file("change.csv"))
        try OutputDirectory.write(SeriesTables.trendCSV(units, years: years), to: out.file("trend.csv"))
        timings["tables"] = clock.lap()
        for sub in ["change", "trend"] {
            try FileManager.default.createDirectory(atPath: out.file(sub), withIntermediateDirectories: false)
        }
        for (q, unit) in rasterQuantities {
            try PixelTrend.write(quantity: q, unit: unit, inputs: years.map { out.file("\($0)/\(q).tif") }, years: years,
                                 grid: prepared[0].grid, directory: out.staging, threads: options.threads)
        }

        timings["pixel_trend"] = clock.lap()
        timings["total"] = Date().timeIntervalSince(started)
        var outputs: [Summary.OutputFile] = []
        let written = files + rasterQuantities.flatMap { PixelTrend.products($0.0, unit: $0.1).map(\.file) }
        for name in written {
            let sum = try Checksums.sha256(path: out.file(name))
            outputs.append(Summary.OutputFile(file: name, bytes: sum.bytes, sha256: sum.hex))
        }
        let summary = SeriesSummary(
            name: series.name, file: series.file,
            years: zip(done, prepared).map { d, p in
                SeriesSummary.Year(year: d.year, scene: p.scene.file, directory: String(d.year), runID: d.runID)
            },
            zoneLayerReads: zoneLayerReads, outputs: outputs, commandLine: options.commandLine, started: started,
            timings: timings, version: options.softwareVersion)
        try OutputDirectory.write(try summary.json(), to: out.file("summary.json"))
        try Interruption.check()
        return SeriesReport(outDir: out.final, years: done, warnings: warnings)
    }
}
