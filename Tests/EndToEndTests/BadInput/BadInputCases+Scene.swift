import Foundation

/// The scene file: its existence, YAML, keys, periods, raster references, grid and models.
extension BadInputCase {
    /// An explicit grid block on the demo's extent with the given resolution and bounds.
    static func explicitGrid(_ s: Scratch, resolution: String = "30", bounds: String = "[294000, 3325500, 309360, 3337020]",
                             crs: String = "EPSG:32651") throws {
        try s.edit("grid: {reference: landcover}", "grid: {crs: \"\(crs)\", resolution: \(resolution), bounds: \(bounds)}")
    }

    /// The demo's `models` block with q10 respiration of these parameters.
    static func q10(_ s: Scratch, _ parameters: String) throws {
        try s.edit("  rh: pei2009\n", "  rh: q10\n  rh_q10: \(parameters)\n")
    }

    static let scene: [BadInputCase] = [
        // The file itself.
        .refused("scene-file-missing", "the scene file does not exist", ["no-such-scene.yaml", "no such file"],
                 command: .args { s in ["run", s.file("no-such-scene.yaml"), "--out", s.out, "--quiet"] }),
        .refused("scene-is-a-directory", "the scene's folder given instead of its YAML file", ["is a directory", "scene.yaml"],
                 command: .args { s in ["run", s.dir.path, "--out", s.out, "--quiet"] }),
        .refused("scene-empty", "an empty scene file", ["scene.yaml", "the file is empty"]) { s in
            s.sceneText = ""
        },
        .refused("scene-not-a-mapping", "a YAML list instead of a mapping", ["scene.yaml", "must be a YAML mapping"]) { s in
            s.sceneText = "- landcover.tif\n- classes.csv\n"
        },
        .refused("scene-invalid-yaml", "an unclosed `[`: the parser's explanation with line and column",
                 ["scene.yaml", "not valid YAML", "line 6, column 11", "flow sequence at line 5"]) { s in
            try s.edit("landcover: landcover.tif\n", "landcover: [landcover.tif\n")
        },
        .refused("scene-not-utf8", "a scene file in Latin-1", ["scene.yaml", "UTF-8"]) { s in
            var data = Data(s.sceneText.utf8)
            data.append(contentsOf: Array("# r\u{E9}sum\u{E9}\n".unicodeScalars.map { UInt8($0.value) }))
            try data.write(to: URL(fileURLWithPath: s.scenePath))
        },
        .refused("scene-duplicate-key", "a key given twice (YAML would keep one silently)", ["landcover: duplicate key", "lines 5 and 6"]) { s in
            try s.edit("landcover: landcover.tif\n", "landcover: landcover.tif\nlandcover: landcover.tif\n")
        },
        .refused("scene-duplicate-key-nested", "a key given twice inside a period", ["periods[2].ndvi: duplicate key"]) { s in
            try s.edit("    ndvi: ndvi/2023-03.tif\n", "    ndvi: ndvi/2023-03.tif\n    ndvi: ndvi/2023-04.tif\n")
        },
        .refused("scene-unknown-key", "a key the scene does not know (a typo must not drop an input)", ["ndvi_scale: unknown key", "expected one of"]) { s in
            try s.edit("landcover: landcover.tif\n", "landcover: landcover.tif\nndvi_scale: 0.0001\n")
        },
        .refused("scene-unknown-key-in-period", "a misspelt input of a period", ["periods[2].temprature: unknown key"]) { s in
            try s.edit("    temperature: climate/tmean.tif#3\n", "    temprature: climate/tmean.tif#3\n")
        },
        .refused("scene-missing-landcover", "no `landcover`", ["scene.yaml: landcover: missing"]) { s in
            try s.edit("landcover: landcover.tif\n", "")
        },
        .refused("scene-missing-parameters", "no `parameters`", ["scene.yaml: parameters: missing"]) { s in
            try s.edit("parameters: classes.csv\n", "")
        },
        .refused("scene-missing-periods", "no `periods`", ["scene.yaml: periods: missing"]) { s in
            try s.cut(from: "periods:\n", upTo: "zones:\n")
        },
        .refused("scene-missing-zones", "no `zones`", ["scene.yaml: zones: missing"]) { s in
            try s.cut(from: "zones:\n", upTo: "redline:")
        },
        .refused("scene-missing-radiation", "a period without radiation", ["periods[5].radiation: missing"]) { s in
            try s.edit("    radiation: climate/srad.tif#6\n", "")
        },

        // Periods.
        .refused("periods-eleven", "11 monthly periods", ["periods: the CASA model needs exactly 12 monthly periods, found 11"]) { s in
            try s.cut(from: "  - month: 2023-12\n", upTo: "zones:\n")
        },
        .refused("periods-thirteen", "13 monthly periods", ["periods: the CASA model needs exactly 12 monthly periods, found 13"]) { s in
            try s.edit("zones:\n", """
                  - month: 2024-01
                    ndvi: ndvi/2023-01.tif
                    temperature: climate/tmean.tif#1
                    precipitation: climate/prec.tif#1
                    radiation: climate/srad.tif#1
                zones:

                """)
        },
        .refused("periods-month-twice", "one month given twice (and another missing)", ["periods[4].month", "2023-04 repeats periods[3]"]) { s in
            try s.edit("month: 2023-05", "month: 2023-04")
        },
        .refused("periods-calendar-month-twice", "12 distinct months that are not one year (January twice)",
                 ["periods", "each calendar month once"]) { s in
            try s.edit("month: 2023-12", "month: 2024-01")
        },
        .refused("periods-month-text", "a month written as text", ["periods[5].month: expected YYYY-MM, got 'June 2023'"]) { s in
            try s.edit("month: 2023-06", "month: June 2023")
        },
        .refused("periods-month-thirteen", "month 13", ["periods[5].month: expected YYYY-MM, got '2023-13'"]) { s in
            try s.edit("month: 2023-06", "month: 2023-13")
        },

        // Raster references.
        .refused("band-zero", "`PATH#0`", ["periods[2].ndvi", "after # comes a band number"]) { s in
            try s.edit("ndvi: ndvi/2023-03.tif\n", "ndvi: ndvi/2023-03.tif#0\n")
        },
        .refused("band-zero-mapping", "`band: 0` in the mapping form", ["periods[0].ndvi.band: expected a band number"]) { s in
            try s.edit("band: 1, scale", "band: 0, scale")
        },
        .refused("band-ninety-nine", "`PATH#99` on a 12-band file", ["periods[4].precipitation", "band 99 does not exist (the raster has 12 bands)"]) { s in
            try s.edit("precipitation: climate/prec.tif#5\n", "precipitation: climate/prec.tif#99\n")
        },
        .refused("raster-file-missing", "a monthly raster that does not exist", ["periods[3].ndvi: ndvi/2023-04-missing.tif: no such file"]) { s in
            try s.edit("ndvi: ndvi/2023-04.tif", "ndvi: ndvi/2023-04-missing.tif")
        },
        .refused("landcover-file-missing", "a land cover that does not exist", ["landcover: lc-missing.tif: no such file"]) { s in
            try s.edit("landcover: landcover.tif", "landcover: lc-missing.tif")
        },
        .refused("raster-not-a-raster", "a text file given as a raster", ["periods[1].ndvi", "notes.tif"]) { s in
            try "not a raster\n".write(toFile: s.file("notes.tif"), atomically: true, encoding: .utf8)
            try s.edit("ndvi: ndvi/2023-02.tif", "ndvi: notes.tif")
        },
        .refused("scale-not-a-number", "`scale: one`", ["periods[0].ndvi.scale: expected a finite number, got 'one'"]) { s in
            try s.edit("scale: 0.0001", "scale: one")
        },
        .refused("offset-not-a-number", "`offset: zero`", ["periods[0].ndvi.offset: expected a finite number, got 'zero'"]) { s in
            try s.edit("offset: 0,", "offset: zero,")
        },
        .refused("nodata-not-a-number", "`nodata: none`", ["periods[0].ndvi.nodata: expected a finite number, got 'none'"]) { s in
            try s.edit("nodata: -32768}", "nodata: none}")
        },

        // Grid.
        .refused("grid-negative-resolution", "an explicit grid of resolution -30", ["grid.resolution: must be positive"]) { s in
            try explicitGrid(s, resolution: "-30")
        },
        .refused("grid-zero-size-bounds", "bounds with xmin = xmax", ["grid.bounds: xmin < xmax and ymin < ymax must hold"]) { s in
            try explicitGrid(s, bounds: "[294000, 3325500, 294000, 3337020]")
        },
        .refused("grid-three-bounds", "bounds of three numbers", ["grid.bounds: expected [xmin, ymin, xmax, ymax]"]) { s in
            try explicitGrid(s, bounds: "[294000, 3325500, 309360]")
        },
        .refused("grid-unknown-crs", "an explicit grid in EPSG:999999", ["grid.crs", "EPSG:999999"]) { s in
            try explicitGrid(s, crs: "EPSG:999999")
        },
        .refused("grid-reference-absent-input", "`grid: {reference: canopy_height}` in a scene without one",
                 ["grid.reference: canopy_height is not a single raster in this scene"]) { s in
            try s.edit("grid: {reference: landcover}", "grid: {reference: canopy_height}")
        },
        .refused("grid-reference-missing-file", "`grid: {reference: FILE}` naming no file", ["grid.reference: lidar/dem.tif: no such file"]) { s in
            try s.edit("grid: {reference: landcover}", "grid: {reference: lidar/dem.tif}")
        },

        // Models.
        .refused("rh-q10-zero", "q10 respiration with q10 = 0", ["models.rh_q10.q10: must be positive"]) { s in
            try q10(s, "{r_ref: 1.0, q10: 0, t_ref: 10}")
        },
        .refused("rh-q10-negative", "q10 respiration with q10 = -2", ["models.rh_q10.q10: must be positive"]) { s in
            try q10(s, "{r_ref: 1.0, q10: -2, t_ref: 10}")
        },
        .refused("rh-unknown-model", "a respiration model sinkmap does not have", ["models.rh: unknown respiration model 'lloyd-taylor'"]) { s in
            try s.edit("rh: pei2009", "rh: lloyd-taylor")
        },
        .refused("carbon-fraction-zero", "carbon_fraction 0", ["models.carbon_fraction: must be in (0, 1]"]) { s in
            try s.edit("carbon_fraction: 0.47", "carbon_fraction: 0")
        },
        .refused("carbon-fraction-above-one", "carbon_fraction 47 (a percentage)", ["models.carbon_fraction: must be in (0, 1]"]) { s in
            try s.edit("carbon_fraction: 0.47", "carbon_fraction: 47")
        },
    ]
}
