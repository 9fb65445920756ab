import Foundation
import GDALKit
import SinkmapZones

/// The intermediate files of a run, in a directory (the output's staging folder): the
/// zones and red line burnt onto the grid once, and the sink the tiles' outputs go to.
public final class RunWorkspace: Sendable {
    public let directory: String
    public let zoneRasters: ZoneRasters
    public let sink: TileSink

    /// - Parameters:
    ///   - sinkArea: the part of the grid the outputs' sink holds (a shard's rows); nil: all of it.
    ///   - sinkPath: where the sink is written; nil: `.layers.tif` in `directory`.
    public init(_ plan: RunPlan, directory: String, sinkArea: Window? = nil, sinkPath: String? = nil) throws {
        self.directory = directory
        zoneRasters = try ZoneRasters.make(plan.scene, in: directory, rows: sinkArea.map { $0.row..<$0.rowEnd })
        sink = try TileSink(path: sinkPath ?? directory + "/.layers.tif", grid: plan.scene.grid, area: sinkArea)
    }

    /// Removes the intermediate files (once the outputs are written).
    public func removeIntermediates(keepingSink: Bool = false) {
        let fm = FileManager.default
        for p in (keepingSink ? [] : [sink.path]) + [zoneRasters.zonesPath] + (zoneRasters.redlinePath.map { [$0] } ?? []) {
            try? fm.removeItem(atPath: p)
        }
    }
}
