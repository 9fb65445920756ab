import Foundation
import GDALKit
import TestSupport

/// Raster values and footprints: units, scale factors, fill values, coverage, CRS.
extension BadInputCase {
    static let rasters: [BadInputCase] = [
        // NDVI.
        .refused("ndvi-without-scale", "Int16 NDVI read with `scale: 1` (values ~6000)", ["2023-07.tif", "outside [-1, 1]", "scale"]) { s in
            try s.edit("ndvi: ndvi/2023-07.tif", "ndvi: {path: ndvi/2023-07.tif, scale: 1, offset: 0, nodata: -32768}")
        },
        .refused("ndvi-scaled-twice", "NDVI already physical but still carrying its 0.0001 scale (values within ±0.01)",
                 ["ndvi-2023-07-float.tif", "within ±0.01", "scale"]) { s in
            let (g, bands) = try BadInput.bands(Scratch.demoDir + "/ndvi/2023-07.tif")
            let physical = bands[0].map { $0 == -32768 ? $0 : $0 * 0.0001 }
            try Fixtures.raster(s.file("ndvi-2023-07-float.tif"), grid: g, bands: [physical], type: .float32, nodata: -32768, scale: 0.0001)
            try s.edit("ndvi: ndvi/2023-07.tif", "ndvi: ndvi-2023-07-float.tif")
        },
        .runs("ndvi-month-all-nodata", "July's NDVI entirely nodata", ["have no NPP/Rh/NEP", "most affected township units"],
              summary: .all([.counted("nep_missing", above: baselineNEPMissing), .counted("monthly_input_nodata")])) { s in
            let g = try Dataset(path: Scratch.demoDir + "/ndvi/2023-07.tif").grid()
            try Fixtures.raster(s.file("ndvi-2023-07-nodata.tif"), grid: g, bands: [[Float](repeating: -32768, count: g.pixelCount)],
                                type: .int16, nodata: -32768, scale: 0.0001)
            try s.edit("ndvi: ndvi/2023-07.tif", "ndvi: ndvi-2023-07-nodata.tif")
        },

        // Land cover.
        .refused("landcover-fractional", "a Float32 land cover holding 1.5", ["landcover-float.tif", "1.5", "not a whole number"]) { s in
            let (g, bands) = try BadInput.bands(Scratch.demoDir + "/landcover.tif")
            var lc = bands[0]
            for i in 0..<lc.count where (i / g.width) % 8 == 3 { lc[i] = 1.5 }  // every eighth row
            try Fixtures.raster(s.file("landcover-float.tif"), grid: g, bands: [lc], type: .float32, nodata: 255)
            try s.edit("landcover: landcover.tif", "landcover: landcover-float.tif")
        },
        .refused("landcover-all-nodata", "a land cover that is nodata everywhere", ["landcover-nodata.tif", "every sampled pixel is nodata"]) { s in
            let g = try Dataset(path: Scratch.demoDir + "/landcover.tif").grid()
            try Fixtures.raster(s.file("landcover-nodata.tif"), grid: g, bands: [[Float](repeating: 255, count: g.pixelCount)], type: .byte, nodata: 255)
            try s.edit("landcover: landcover.tif", "landcover: landcover-nodata.tif")
        },
        .refused("landcover-covers-no-zone", "a land cover shifted west of the zones, on an explicit grid spanning both",
                 ["landcover-west.tif", "covers none of the zones"]) { s in
            let (g, bands) = try BadInput.bands(Scratch.demoDir + "/landcover.tif")
            var t = g.transform
            t.originX -= 15_360
            try Fixtures.raster(s.file("landcover-west.tif"), grid: Grid(crsWKT: g.crsWKT, transform: t, width: g.width, height: g.height),
                                bands: bands, type: .byte, nodata: 255)
            try s.edit("landcover: landcover.tif", "landcover: landcover-west.tif")
            try explicitGrid(s, bounds: "[278640, 3325500, 309360, 3337020]")
        },
        .refused("landcover-without-crs", "a land cover (the grid's reference) without a CRS", ["landcover", "no coordinate reference system", "-a_srs"]) { s in
            let (g, bands) = try BadInput.bands(Scratch.demoDir + "/landcover.tif")
            try Fixtures.raster(s.file("landcover-nocrs.tif"), grid: Grid(crsWKT: "", transform: g.transform, width: g.width, height: g.height),
                                bands: bands, type: .byte, nodata: 255)
            try s.edit("landcover: landcover.tif", "landcover: landcover-nocrs.tif")
        },
        .runs("landcover-unknown-codes", "land-cover codes not in the table (the demo's 30 px of code 99)",
              ["land-cover codes not in the parameter table", "99 (30 px)"], summary: .unknownCode(99)) { s in
            try s.editTable(Scratch.code99, "")
        },
        .refused("landcover-one-unknown-code", "a land cover of one code the table does not have: nothing to account",
                 ["nothing to account", "codes found: 42 ("]) { s in
            let g = try Dataset(path: Scratch.demoDir + "/landcover.tif").grid()
            try Fixtures.raster(s.file("landcover-42.tif"), grid: g, bands: [[Float](repeating: 42, count: g.pixelCount)], type: .byte, nodata: 255)
            try s.edit("landcover: landcover.tif", "landcover: landcover-42.tif")
        },

        // Temperature (SPEC: °C, monthly mean).
        .refused("temperature-kelvin", "temperature in kelvin", ["tmean-kelvin.tif", "kelvin", "offset: -273.15"]) { s in
            try s.replaceClimate("climate/tmean.tif", with: "tmean-kelvin.tif") { $0 + 273.15 }
        },
        .refused("temperature-times-ten", "temperature in 0.1 °C (×10) without its scale: the fix named, as for precipitation",
                 ["tmean-x10.tif", "outside [-90, 60]", "scale: 0.1"],
                 absent: ["kelvin"]) { s in
            try s.replaceClimate("climate/tmean.tif", with: "tmean-x10.tif") { $0 * 10 }
        },
        .runs("temperature-undeclared-inf", "temperature whose nodata is -inf (undeclared) and a July block of +inf",
              ["undeclared fill values"], summary: .counted("invalid_input_values")) { s in
            try s.derive("climate/tmean.tif", to: "tmean-inf.tif", nodata: nil) { v, b, row, col in
                b == 6 && (8..<13).contains(row) && (9..<14).contains(col) ? .infinity : v
            }
            // The file's nodata value itself becomes -inf.
            let (g, bands) = try BadInput.bands(s.file("tmean-inf.tif"))
            try Fixtures.raster(s.file("tmean-inf.tif"), grid: g, bands: bands.map { $0.map { $0 == -9999 ? -.infinity : $0 } }, nodata: nil)
            try s.editAll("climate/tmean.tif", "tmean-inf.tif")
        },

        // Precipitation (SPEC: mm per month).
        .refused("precipitation-above-10000", "precipitation ×100 (values above 10000 mm in a month)",
                 ["prec-x100.tif", "above 10000 mm", "scale: 0.1"]) { s in
            try s.replaceClimate("climate/prec.tif", with: "prec-x100.tif") { $0 * 100 }
        },
        .runs("precipitation-in-metres", "precipitation in metres (every month below 1 mm)", ["precipitation is below 1 mm", "scale: 1000"],
              summary: .warning("metres need scale: 1000")) { s in
            try s.replaceClimate("climate/prec.tif", with: "prec-m.tif") { $0 / 1000 }
        },
        .runs("precipitation-negative", "negative precipitation in July", ["pixels have negative precipitation"],
              summary: .counted("negative_precipitation")) { s in
            try s.derive("climate/prec.tif", to: "prec-negative.tif") { v, b, _, _ in b == 6 ? -v : v }
            try s.edit("precipitation: climate/prec.tif#7", "precipitation: prec-negative.tif#7")
        },

        // Radiation (SPEC: MJ/m² per month).
        .refused("radiation-kj-per-day", "radiation in kJ/m²/day (values ~15000)", ["srad-kj-day.tif", "above 1300", "scale: 0.001"]) { s in
            try s.replaceClimate("climate/srad.tif", with: "srad-kj-day.tif") { $0 * 1000 / 30 }
        },
        .refused("radiation-j-per-m2", "radiation in J/m² per month", ["srad-j.tif", "above 1300", "scale: 0.000001"]) { s in
            try s.replaceClimate("climate/srad.tif", with: "srad-j.tif") { $0 * 1_000_000 }
        },
        .runs("radiation-mj-per-day", "radiation in MJ/m²/day (values ~15)", ["radiation sums to only", "MJ/m²/day needs scale"],
              summary: .warning("MJ/m²/day needs scale")) { s in
            try s.replaceClimate("climate/srad.tif", with: "srad-mj-day.tif") { $0 / 30 }
        },
        .runs("radiation-undeclared-fill", "radiation whose nodata is 3.4e38, undeclared, with a July block of it",
              ["undeclared fill values"], summary: .counted("invalid_input_values")) { s in
            try s.derive("climate/srad.tif", to: "srad-fill.tif", nodata: nil) { v, b, row, col in
                b == 6 && (8..<13).contains(row) && (9..<14).contains(col) ? 3.4e38 : v
            }
            let (g, bands) = try BadInput.bands(s.file("srad-fill.tif"))
            try Fixtures.raster(s.file("srad-fill.tif"), grid: g, bands: bands.map { $0.map { $0 == -9999 ? 3.4e38 : $0 } }, nodata: nil)
            try s.editAll("climate/srad.tif", "srad-fill.tif")
        },

        // Footprints and georeferencing.
        .refused("monthly-input-half-coverage", "March temperature covering the western half of the zones",
                 ["periods[2].temperature", "tmean-west.tif", "uncovered"]) { s in
            let (g, bands) = try BadInput.bands(Scratch.demoDir + "/climate/tmean.tif")
            let west = Grid(crsWKT: g.crsWKT, transform: g.transform, width: 12, height: g.height)
            let cropped = bands.map { b in (0..<g.height).flatMap { row in b[row * g.width ..< row * g.width + 12] } }
            try Fixtures.raster(s.file("tmean-west.tif"), grid: west, bands: cropped, nodata: -9999)
            try s.edit("temperature: climate/tmean.tif#3", "temperature: tmean-west.tif#3")
        },
        .refused("raster-without-crs", "January precipitation without a CRS", ["prec-nocrs.tif", "no coordinate reference system", "-a_srs"]) { s in
            let (g, bands) = try BadInput.bands(Scratch.demoDir + "/climate/prec.tif")
            try Fixtures.raster(s.file("prec-nocrs.tif"), grid: Grid(crsWKT: "", transform: g.transform, width: g.width, height: g.height),
                                bands: [bands[0]], nodata: -9999)
            try s.edit("precipitation: climate/prec.tif#1\n", "precipitation: prec-nocrs.tif\n")
        },
        .refused("raster-not-overlapping", "August radiation over Germany", ["periods[7].radiation: far.tif", "does not overlap the target grid"]) { s in
            let far = try Fixtures.grid(crs: "EPSG:4326", originX: 10, originY: 50, pixel: 0.01, width: 20, height: 20)
            try Fixtures.raster(s.file("far.tif"), grid: far, bands: [[Float](repeating: 500, count: 400)])
            try s.edit("radiation: climate/srad.tif#8", "radiation: far.tif")
        },

        // Canopy height and GDAL paths.
        .runs("canopy-partial", "a lidar canopy height covering 48 % of the zones", ["canopy_height", "uncovered", "table's pools"],
              summary: .all([.counted("canopy_missing"), .warning("canopy_height: ")])) { s in
            try s.edit("parameters: classes.csv\n", "parameters: classes.csv\n" + Scratch.canopyLine)
        },
        .runs("netcdf-subdataset", "January temperature as `NETCDF:\"tmean-jan.nc\":Band1` (relative to the scene)", [],
              summary: .input(prefix: "NETCDF:\""), warns: false) { s in
            let made = try runProcess("/usr/bin/gdal_translate", ["-q", "-of", "netCDF", "-b", "1",
                                                                  Scratch.demoDir + "/climate/tmean.tif", s.file("tmean-jan.nc")])
            guard made.status == 0 else { throw FixtureError(description: "gdal_translate: \(made.stderr)") }
            try s.edit("temperature: climate/tmean.tif#1\n", "temperature: NETCDF:\"tmean-jan.nc\":Band1\n")
        },
    ]
}
