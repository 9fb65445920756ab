import GDALKit
import SinkmapScene

/// `onemap.gpkg`: one polygon layer per zone level, carrying each unit's totals
/// (ecosystem = all, red line = all). The finest layer holds the zone polygons (those
/// sharing an id merged); coarser layers are dissolved from them. Geometries stay in
/// the zone layer's CRS.
public enum OneMapWriter {
    public static func write(_ scene: PreparedScene, rolled: [[[ZoneTotals]]], to path: String) throws {
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
            ("unit_id", .string), ("unit_name", .string), ("parent_id", .string), ("pixels", .integer64),
            ("area_ha", .real), ("npp_tc", .real), ("rh_tc", .real), ("nep_tc", .real), ("carbon_tc", .real),
            ("nep_tco2e", .real), ("carbon_tco2e", .real),
        ]
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
                        ("unit_id", .string(unit.id)), ("unit_name", .string(unit.name)), ("parent_id", .string(unit.parentID)),
                        ("pixels", .integer(t.pixels)), ("area_ha", .real(t.areaHectares)), ("npp_tc", .real(t.nppTonnes)),
                        ("rh_tc", .real(t.rhTonnes)), ("nep_tc", .real(t.nepTonnes)), ("carbon_tc", .real(t.carbonTonnes)),
                        ("nep_tco2e", .real(Quantity.co2e(t.nepTonnes))), ("carbon_tco2e", .real(Quantity.co2e(t.carbonTonnes))),
                    ], geometry: geometry)
                }
            }
        }
        try writer.close()
    }
}
