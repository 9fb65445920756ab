import Foundation
import TestSupport

/// Field plots: `calibrate`'s plots and the scene's `plots` block (issue 19).
extension BadInputCase {
    /// `plots.gpkg` in the scratch folder: points (x, y) in EPSG:32651 with plot_id and agb.
    static func plotsFile(_ s: Scratch, _ points: [(x: Double, y: Double, id: String, agb: String)], name: String = "bad-plots.gpkg") throws {
        try Fixtures.polygons(s.file(name), layer: "plots", crs: "EPSG:32651", fields: ["plot_id", "agb"],
                              features: points.map { ("POINT (\($0.x) \($0.y))", [$0.id, $0.agb]) })
    }

    /// `calibrate` on the scratch scene with `bad-plots.gpkg` (and the canopy height back).
    static func calibrate(_ extra: String...) -> Command {
        .args { s in ["calibrate", s.scenePath, "--plots", s.file("bad-plots.gpkg"), "--agb", "agb", "--id", "plot_id", "--out", s.out] + extra }
    }

    static let inside = (x: 300_015.0, y: 3_330_015.0)

    static let plots: [BadInputCase] = [
        .refused("calibrate-bad-plots", "calibrate with a plot outside the grid, one with an empty AGB and one with a negative AGB",
                 ["bad-plots.gpkg", "3 of 4 plots cannot be used", "1 outside the grid (id far)",
                  "2 with a missing or negative AGB (ids empty, neg)", "--skip-bad"], command: calibrate()) { s in
            try s.edit("landcover: landcover.tif\n", "landcover: landcover.tif\n" + Scratch.canopyLine)
            try plotsFile(s, [(inside.x, inside.y, "ok", "120"), (0, 0, "far", "50"), (inside.x + 30, inside.y, "empty", ""),
                              (inside.x + 60, inside.y, "neg", "-3")])
        },
        .refused("calibrate-without-canopy", "calibrate on a scene without canopy height",
                 ["2 of 2 plots cannot be used", "2 without canopy height (ids a, b)"], command: calibrate()) { s in
            try plotsFile(s, [(inside.x, inside.y, "a", "120"), (inside.x + 30, inside.y, "b", "80")])
        },
        .refused("calibrate-plots-not-points", "calibrate with a line among the plots",
                 ["lines.gpkg", "plot 1 is a Line String", "plots must be points or polygons"],
                 command: .args { s in ["calibrate", s.scenePath, "--plots", s.file("lines.gpkg"), "--agb", "agb", "--out", s.out] }) { s in
            try Fixtures.polygons(s.file("lines.gpkg"), layer: "plots", crs: "EPSG:32651", fields: ["agb"],
                                  features: [("LINESTRING (300000 3330000, 300100 3330100)", ["10"])])
        },
        .refused("calibrate-agb-field-missing", "calibrate naming an AGB field the plots do not have",
                 ["bad-plots.gpkg", "no field named 'biomass'", "plot_id, agb"],
                 command: .args { s in ["calibrate", s.scenePath, "--plots", s.file("bad-plots.gpkg"), "--agb", "biomass", "--out", s.out] }) { s in
            try plotsFile(s, [(inside.x, inside.y, "a", "120")])
        },
        .refused("scene-plots-bad", "a scene's plots block with a plot outside the grid and one with a negative AGB",
                 ["plots: ", "bad-plots.gpkg", "1 outside the grid (id far)", "1 with a missing or negative AGB (id neg)"]) { s in
            try plotsFile(s, [(inside.x, inside.y, "ok", "120"), (0, 0, "far", "50"), (inside.x + 30, inside.y, "neg", "-3")])
            s.sceneText += "plots: {path: bad-plots.gpkg, agb: agb, id: plot_id}\n"
        },
        .refused("calibrate-out-exists", "calibrate into a directory that exists", ["already exists", "calibrate writes a new directory"],
                 command: calibrate()) { s in
            try plotsFile(s, [(inside.x, inside.y, "a", "120")])
            try FileManager.default.createDirectory(atPath: s.out, withIntermediateDirectories: false)
        },
        .refused("models-knn-without-plots", "models: {agb: knn} without a plots block", ["models.agb", "add a plots block"]) { s in
            try s.edit("landcover: landcover.tif\n", "landcover: landcover.tif\n" + Scratch.canopyLine)
            try s.edit("  rh: pei2009\n", "  rh: pei2009\n  agb: knn\n")
        },
        .refused("scene-plots-unknown-key", "a misspelt key in the plots block", ["plots.radios: unknown key"]) { s in
            s.sceneText += "plots: {path: plots.gpkg, agb: agb, radios: 10}\n"
        },
    ]
}
