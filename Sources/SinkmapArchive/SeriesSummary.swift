import Foundation
import GDALKit
import SinkmapKernels

/// `summary.json` of a series: what ran (the years, their scenes and run ids) and what it
/// wrote (every file with its checksum). Each year's own `summary.json` is in its folder.
public struct SeriesSummary: ArchiveJSON, Sendable, Equatable {
    public struct Year: Codable, Sendable, Equatable {
        public var year: Int
        public var scene: String
        public var directory: String
        public var runID: String
        public init(year: Int, scene: String, directory: String, runID: String) {
            (self.year, self.scene, self.directory, self.runID) = (year, scene, directory, runID)
        }
        enum CodingKeys: String, CodingKey { case year, scene, directory, runID = "run_id" }
    }
    public var software: Summary.Software
    public var series: Summary.SceneInfo
    public var years: [Year]
    /// Zone layers read from their files while validating the years (each once).
    public var zoneLayerReads: Int
    public var outputs: [Summary.OutputFile]
    public var commandLine: [String]
    public var startedUTC, finishedUTC: String
    /// Wall-clock seconds: `years` (the runs), `tables`, `pixel_trend`, `total`.
    public var timingsSeconds: [String: Double]

    enum CodingKeys: String, CodingKey {
        case software, series, years, zoneLayerReads = "zone_layer_reads", outputs, commandLine = "command_line"
        case startedUTC = "started_utc", finishedUTC = "finished_utc", timingsSeconds = "timings_seconds"
    }

    public init(name: String, file: String, years: [Year], zoneLayerReads: Int, outputs: [Summary.OutputFile],
         commandLine: [String], started: Date, timings: [String: Double], version: String) {
        software = Summary.Software(name: "sinkmap", version: version, gdal: GDAL.version, build: KernelBuild.target)
        series = Summary.SceneInfo(name: name, file: file)
        self.years = years
        self.zoneLayerReads = zoneLayerReads
        self.outputs = outputs
        self.commandLine = commandLine
        startedUTC = Summary.utc(started)
        finishedUTC = Summary.utc(Date())
        timingsSeconds = timings
    }
}
