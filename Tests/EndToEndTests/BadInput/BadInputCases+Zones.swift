import Foundation
import GDALKit
import TestSupport

/// The zone layer and the red line: CRS, overlap, geometry types and validity, fields,
/// the hierarchy of ids, layer names.
extension BadInputCase {
    /// The demo's townships rewritten without a CRS as `zones-nocrs.gpkg` or `.shp` (no .prj).
    static func zonesWithoutCRS(_ s: Scratch, format: String) throws {
        // Shapefile field names have at most 10 characters.
        let fields = format == "shp" ? BadInput.zoneFields.map { $0.replacingOccurrences(of: "county", with: "cnty") } : BadInput.zoneFields
        let features = try VectorDataset(path: Scratch.demoDir + "/admin/townships.gpkg").layer("townships").features(fields: BadInput.zoneFields)
        try BadInput.writeWithoutCRS(s.file("zones-nocrs.\(format)"), layer: "townships", fields: fields, features: features.map { f in
            (BadInput.zoneFields.map { f.fields[$0] ?? "" }, f.geometry)
        })
        try s.edit("path: admin/townships.gpkg", "path: zones-nocrs.\(format)")
        if format == "shp" {
            try s.edit("layer: townships\n", "layer: zones-nocrs\n")
            try s.edit("id: county_code, label: county_name", "id: cnty_code, label: cnty_name")
        }
    }

    /// The demo's red line rewritten without a CRS.
    static func redlineWithoutCRS(_ s: Scratch, format: String) throws {
        let fields = ["rl_code", "rl_name", "rl_type"]
        let features = try VectorDataset(path: Scratch.demoDir + "/admin/redline.gpkg").layer("redline").features(fields: fields)
        try BadInput.writeWithoutCRS(s.file("redline-nocrs.\(format)"), layer: "redline", fields: fields, features: features.map { f in
            (fields.map { f.fields[$0] ?? "" }, f.geometry)
        })
        try s.edit("redline: admin/redline.gpkg", "redline: redline-nocrs.\(format)")
    }

    /// Zones of two made-up townships (`BadInput.unit`) with these geometries, EPSG:32651.
    static func twoZones(_ s: Scratch, _ name: String, _ a: String, _ b: String) throws {
        try Fixtures.polygons(s.file(name), layer: "townships", crs: "EPSG:32651", fields: BadInput.zoneFields,
                              features: [(a, BadInput.unit(1)), (b, BadInput.unit(2))])
        try s.edit("path: admin/townships.gpkg", "path: \(name)")
    }

    static let zones: [BadInputCase] = [
        // CRS.
        .refused("zones-shp-without-prj", "zones as a shapefile without .prj", ["zones", "zones-nocrs.shp", "has no CRS", "-a_srs"]) { s in
            try zonesWithoutCRS(s, format: "shp")
        },
        .refused("zones-gpkg-without-srs", "zones as a GeoPackage written without an SRS", ["zones", "zones-nocrs.gpkg", "has no CRS"]) { s in
            try zonesWithoutCRS(s, format: "gpkg")
        },
        .refused("redline-gpkg-without-srs", "a red line written without an SRS", ["redline", "redline-nocrs.gpkg", "has no CRS"]) { s in
            try redlineWithoutCRS(s, format: "gpkg")
        },
        .refused("redline-shp-without-prj", "a red line as a shapefile without .prj", ["redline", "redline-nocrs.shp", "has no CRS"]) { s in
            try redlineWithoutCRS(s, format: "shp")
        },

        // Overlap.
        .refused("zones-overlap-nothing", "zones 400 km from the grid (same CRS)", ["zones", "far.gpkg", "no zone polygon overlaps the grid"]) { s in
            try twoZones(s, "far.gpkg", Fixtures.rectangle(700_000, 3_500_000, 710_000, 3_510_000),
                         Fixtures.rectangle(710_000, 3_500_000, 720_000, 3_510_000))
        },
        .refused("redline-overlap-nothing", "a red line far from the grid", ["redline", "redline-far.gpkg", "no red-line polygon overlaps the grid"]) { s in
            try Fixtures.polygons(s.file("redline-far.gpkg"), layer: "redline", crs: "EPSG:4326", fields: ["rl_code"],
                                  features: [(Fixtures.rectangle(10, 50, 10.1, 50.1), ["R1"])])
            try s.edit("redline: admin/redline.gpkg", "redline: redline-far.gpkg")
        },

        // Geometry.
        .refused("zones-points", "a point layer as zones", ["zones", "Point", "must be polygons"]) { s in
            try BadInput.writeNonPolygonZones(s.file("zones-point.gpkg"), kind: "point")
            try s.edit("path: admin/townships.gpkg", "path: zones-point.gpkg")
        },
        .refused("zones-lines", "a line layer as zones", ["zones", "Line String", "must be polygons"]) { s in
            try BadInput.writeNonPolygonZones(s.file("zones-line.gpkg"), kind: "line")
            try s.edit("path: admin/townships.gpkg", "path: zones-line.gpkg")
        },
        .refused("zones-bowtie", "a self-intersecting (bow-tie) township, named by its fid and id",
                 ["zones", "fid 2", "1002", "invalid geometry", "-makevalid"]) { s in
            try twoZones(s, "bowtie.gpkg", Fixtures.rectangle(294_000, 3_325_500, 309_360, 3_337_020),
                         "POLYGON ((300000 3330000, 302000 3332000, 302000 3330000, 300000 3332000, 300000 3330000))")
        },
        .refused("zones-no-features", "a zone layer with no features", ["zones", "no features"]) { s in
            try s.zones("zones-empty.gpkg", sql: ["DELETE FROM townships"])
        },

        // Fields.
        .refused("zones-id-field-missing", "a level's id field absent from the layer",
                 ["zones.levels[1].id", "has no field 'county_id'", "county_code"]) { s in
            try s.edit("id: county_code", "id: county_id")
        },
        .refused("zones-label-field-missing", "a level's label field absent from the layer",
                 ["zones.levels[0].label", "has no field 'town_label'"]) { s in
            try s.edit("label: town_name", "label: town_label")
        },
        .refused("zones-empty-id", "a township with an empty id", ["zones.levels[0].id", "feature 3 has an empty 'town_code'"]) { s in
            try s.zones("zones-emptyid.gpkg", sql: ["UPDATE townships SET town_code = '' WHERE fid = 3"])
        },
        .refused("zones-null-id", "a county id that is NULL", ["zones.levels[1].id", "feature 5 has an empty 'county_code'"]) { s in
            try s.zones("zones-nullid.gpkg", sql: ["UPDATE townships SET county_code = NULL WHERE fid = 5"])
        },

        // Hierarchy.
        .refused("zones-unit-in-two-parents", "one township id in two counties",
                 ["zones.levels[1].id", "township '330604002' lies in two county units"]) { s in
            try s.zones("zones-twoparents.gpkg", sql: [
                "UPDATE townships SET town_code = '330604002', town_name = (SELECT town_name FROM townships WHERE fid = 2), "
                    + "county_code = '330603', county_name = (SELECT county_name FROM townships WHERE fid = 9) WHERE fid = 1",
            ])
        },
        .refused("zones-county-in-two-cities", "one county in two cities", ["zones.levels[2].id", "county '330604' lies in two city units"]) { s in
            try s.zones("zones-twocities.gpkg", sql: ["UPDATE townships SET city_code = '3307' WHERE fid = 2"])
        },
        .refused("zones-same-id-two-names", "one township id with two names",
                 ["zones.levels[0].label", "township '330604002' has two names"]) { s in
            try s.zones("zones-twonames.gpkg", sql: ["UPDATE townships SET town_code = '330604002' WHERE fid = 1"])
        },

        // Files and layers.
        .refused("zones-layer-missing", "`layer:` naming no layer of the file", ["zones", "no layer named 'township'", "townships"]) { s in
            try s.edit("layer: townships\n", "layer: township\n")
        },
        .refused("zones-file-missing", "a zone file that does not exist", ["zones.path: admin/towns.gpkg: no such file"]) { s in
            try s.edit("path: admin/townships.gpkg", "path: admin/towns.gpkg")
        },
        .refused("redline-file-missing", "a red-line file that does not exist", ["redline: admin/redline-2023.gpkg: no such file"]) { s in
            try s.edit("redline: admin/redline.gpkg", "redline: admin/redline-2023.gpkg")
        },
    ]
}
