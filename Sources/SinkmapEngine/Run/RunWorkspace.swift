import Foundation
import GDALKit

/// The intermediate files of a run, in a directory (the output's staging folder): the
/// zones and red line burnt onto the grid once, and the sink the tiles' outputs go to.
public final class RunWorkspace: Sendable {
    public let directory: String
    public let zoneRasters: ZoneRasters
    public let sink: TileSink

    public init(_ plan: RunPlan, directory: String) throws {
        self.directory = directory
        zoneRasters = try ZoneRasters.make(plan.scene, in: directory)
        sink = try TileSink(path: directory + "/.layers.tif", grid: plan.scene.grid)
    }

    /// Removes the intermediate files (once the outputs are written).
    public func removeIntermediates() {
        let fm = FileManager.default
        for p in [sink.path, zoneRasters.zonesPath] + (zoneRasters.redlinePath.map { [$0] } ?? []) {
            try? fm.removeItem(atPath: p)
        }
    }
}
