import Foundation
import GDALKit
import SinkmapScene
import SinkmapAccounting
import SinkmapArchive

/// `onemap.gpkg`: one polygon layer per zone level, carrying each unit's totals
/// (ecosystem = all, red line = all) and its `level`; and the attribute table
/// `onemap_splits` with every row of `zonal.csv` (the ecosystem and red-line splits, keyed
/// by level and unit). The finest layer holds the zone polygons (those sharing an id
/// merged); coarser layers are dissolved from them. Geometries stay in the zone layer's
/// CRS. Fluxes over no valid pixel are NULL, as they are empty cells in the CSV.
public enum OneMapWriter {
    static let figureFields: [(String, VectorWriter.FieldType)] = [
        ("pixels", .integer64), ("pixels_nep", .integer64), ("area_ha", .real), ("lc_missing_ha", .real), ("npp_tc", .real), ("rh_tc", .real),
        ("nep_tc", .real), ("carbon_tc", .real), ("nep_tco2e", .real), ("carbon_tco2e", .real),
    ]

    static func figures(_ t: ZoneTotals, lcMissingArea: Int128) -> [(String, VectorWriter.FieldValue)] {
        func flux(_ x: Double) -> VectorWriter.FieldValue { t.hasFlux ? .real(x) : .null }
        return [("pixels", .integer(t.pixels)), ("pixels_nep", .integer(t.pixelsNEP)), ("area_ha", .real(t.areaHectares)),
                ("lc_missing_ha", .real(Quantity.area.value(lcMissingArea))), ("npp_tc", flux(t.nppTonnes)), ("rh_tc", flux(t.rhTonnes)), ("nep_tc", flux(t.nepTonnes)),
                ("carbon_tc", .real(t.carbonTonnes)), ("nep_tco2e", flux(Quantity.co2e(t.nepTonnes))),
                ("carbon_tco2e", .real(Quantity.co2e(t.carbonTonnes)))]
    }

    /// GDAL stamps the time of writing into a GeoPackage (gpkg_contents.last_change). With
    /// `SOURCE_DATE_EPOCH` set (seconds since 1970, the reproducible-builds convention) that time
    /// is stamped instead, so the same inputs give the same file byte for byte; a user's own
    /// `OGR_CURRENT_DATE` wins. Nil (the time of writing) otherwise, or for a value that is not
    /// a whole number of seconds.
    static func stampedDate(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let text = environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text) else { return nil }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    public static func write(_ scene: PreparedScene, rolled: [[[ZoneTotals]]], rows: [ZonalRow], to path: String) throws {
        try GDAL.withDefaultConfig("OGR_CURRENT_DATE", stampedDate()) {
            try writeLayers(scene, rolled: rolled, rows: rows, to: path)
        }
    }

    static func writeLayers(_ scene: PreparedScene, rolled: [[[ZoneTotals]]], rows: [ZonalRow], to path: String) throws {
        let shapes = scene.zoneShapes
        let srs = try shapes.crsWKT.map { try SpatialReference(definition: $0) }
        let h = scene.zones

        // Finest geometries: the union of the features of each finest unit.
        var finestParts = [[Geometry]](repeating: [], count: h.finestCount)
        for (i, wkb) in shapes.native.enumerated() {
            if let wkb { finestParts[h.featureToFinest[i]].append(try Geometry(wkb: wkb, path: scene.zonesPath)) }
        }
        let finest: [Geometry?] = try finestParts.map { parts in
            parts.isEmpty ? nil : (parts.count == 1 ? parts[0] : try Geometry.union(parts, path: scene.zonesPath))
        }

        let writer = try VectorWriter(path: path)
        let fields: [(String, VectorWriter.FieldType)] = [
            ("level", .string), ("unit_id", .string), ("unit_name", .string), ("parent_id", .string),
        ] + figureFields
        for (li, level) in h.levels.enumerated() {
            // Members of each unit at this level, then the dissolved outline.
            var members = [[Geometry]](repeating: [], count: h.units[li].count)
            for u in 0..<h.finestCount {
                if let g = finest[u] { members[h.finestToUnit[li][u]].append(g) }
            }
            let out = try writer.createLayer(level.name, srs: srs, fields: fields)
            try writer.transaction {
                for (ui, unit) in h.units[li].enumerated() {
                    var t = ZoneTotals()
                    for part in rolled[li][ui] { t.merge(part) }
                    let geometry: Geometry? = li == 0 ? finest[ui]
                        : (members[ui].isEmpty ? nil : (members[ui].count == 1 ? members[ui][0] : try Geometry.union(members[ui], path: scene.zonesPath)))
                    try out.add([
                        ("level", .string(level.name)), ("unit_id", .string(unit.id)), ("unit_name", .string(unit.name)),
                        ("parent_id", .string(unit.parentID)),
                    ] + figures(t, lcMissingArea: ZoneTotals.lcMissingArea(rolled[li][ui])), geometry: geometry)
                }
            }
        }
        // The splits, as an attribute table keyed by (level, unit_id, ecosystem, redline).
        let splits = try writer.createLayer("onemap_splits", srs: nil, fields: [
            ("level", .string), ("unit_id", .string), ("ecosystem", .string), ("redline", .string),
        ] + figureFields, polygons: false)
        try writer.transaction {
            for r in rows {
                try splits.add([("level", .string(r.level)), ("unit_id", .string(r.unit.id)), ("ecosystem", .string(r.ecosystem)),
                                ("redline", .string(r.redline))] + figures(r.totals, lcMissingArea: r.lcMissingArea), geometry: nil)
            }
        }
        try writer.close()
    }
}
