import Foundation
import GDALKit
import SinkmapScene

/// The years of a series must be comparable: the same grid and the same zone layer (and
/// levels), or the change and trend of a pixel or a unit would compare different things.
/// The red line may differ (it is redrawn; the series tables use whole units).
public enum SeriesCheck {
    /// Refuses the first year whose grid or zones differ from the first year's, naming the
    /// year and what differs.
    public static func sameGridAndZones(_ years: [(year: Int, scene: PreparedScene)], seriesFile: String) throws {
        guard let first = years.first else { return }
        let a = first.scene
        for (year, b) in years.dropFirst() {
            var differences: [String] = []
            if (a.grid.width, a.grid.height) != (b.grid.width, b.grid.height) {
                differences.append("grid size \(b.grid.width)×\(b.grid.height) (year \(first.year): \(a.grid.width)×\(a.grid.height))")
            }
            if a.grid.transform != b.grid.transform {
                differences.append("grid geotransform \(b.grid.transform.gdal) (year \(first.year): \(a.grid.transform.gdal))")
            }
            if a.grid.crsWKT != b.grid.crsWKT, !sameCRS(a.grid.crsWKT, b.grid.crsWKT) {
                differences.append("grid CRS \(b.crsName) (year \(first.year): \(a.crsName))")
            }
            if !samePath(a.zonesPath, b.zonesPath) || a.zonesLayer != b.zonesLayer {
                differences.append("zone layer \(b.zonesPath)\(b.zonesLayer.map { " (layer \($0))" } ?? "") (year \(first.year): \(a.zonesPath)\(a.zonesLayer.map { " (layer \($0))" } ?? ""))")
            } else if a.scene.zones.levels != b.scene.zones.levels {
                differences.append("zone levels \(b.scene.zones.levels.map(\.name)) (year \(first.year): \(a.scene.zones.levels.map(\.name)))")
            } else if a.scene.zones.coverage != b.scene.zones.coverage {
                differences.append("zone coverage \(b.scene.zones.coverage.rawValue) (year \(first.year): \(a.scene.zones.coverage.rawValue))")
            }
            if !differences.isEmpty {
                throw SceneError(file: seriesFile, field: "years.\(year)",
                                 message: "every year must share the grid and the zone layer; year \(year) differs in " + differences.joined(separator: "; "))
            }
        }
    }

    /// Two paths of one file (`2019/../zones.gpkg` and `zones.gpkg` resolved from two folders).
    static func samePath(_ a: String, _ b: String) -> Bool {
        func normal(_ p: String) -> String {
            p.hasPrefix("/") ? URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path : p
        }
        return a == b || normal(a) == normal(b)
    }

    static func sameCRS(_ a: String, _ b: String) -> Bool {
        guard let sa = try? SpatialReference(definition: a), let sb = try? SpatialReference(definition: b) else { return false }
        return sa.isSame(as: sb)
    }
}
