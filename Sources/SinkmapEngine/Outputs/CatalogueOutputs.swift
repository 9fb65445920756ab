import Foundation
import GDALKit
import SinkmapScene
import SinkmapArchive
import SinkmapKernels

/// What makes a run's outputs drop into GIS and catalogues: a QGIS style (`NAME.qml`) beside
/// each COG, with the colour ramp the report uses, and the STAC Item `stac.json`.
enum CatalogueOutputs {
    /// Writes the QGIS style of layer `name` (from its written COG `tif`) to `qml`; returns its file name.
    static func writeStyle(_ name: String, of tif: String, to qml: String) throws -> String {
        let style = try LayerStyle.read(layer: name, path: tif)
        try OutputDirectory.write(style.qml(), to: qml)
        return (qml as NSString).lastPathComponent
    }

    /// Writes `stac.json` describing the rasters (with `statistics`, one per raster) and `others`.
    static func writeStac(scene: PreparedScene, out: OutputDirectory, statistics: [BandStatistics], others: [String],
                          softwareVersion: String) throws -> String {
        var rasters: [(name: String, title: String, unit: String, stats: BandStatistics)] = []
        for (i, name) in OutputLayers.names.enumerated() {
            let band = OutputLayers.bands[i]
            rasters.append((name, band.description, band.unit, statistics[i]))
        }
        let item = try StacItem.make(scene: scene, rasters: rasters, others: others, softwareVersion: softwareVersion)
        try OutputDirectory.write(try StacItem.json(item), to: out.file("stac.json"))
        return "stac.json"
    }
}
