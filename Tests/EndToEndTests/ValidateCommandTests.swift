import Foundation
import GDALKit
import Testing
import TestSupport

/// `sinkmap validate` end to end: the demo scene passes; each fault is refused with one
/// clear line naming the file and field, and a non-zero exit.
@Suite struct ValidateCommandTests {
    @Test func acceptsTheDemoScene() throws {
        let r = try sinkmap("validate", Repo.demoScene)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("is valid"))
        #expect(r.stdout.contains("Grid: 512 × 384 pixels of 30 × 30"))
        #expect(r.stdout.contains("EPSG:32651"))
        #expect(r.stdout.contains("Periods: 12 months, 2023-01 to 2023-12"))
        #expect(r.stdout.contains("township (id town_code, label town_name): 12 units"))
        #expect(r.stdout.contains("county (id county_code, label county_name): 3 units"))
        #expect(r.stdout.contains("[bilinear]"))    // climate: coarser, another CRS
        #expect(r.stdout.contains("lidar/chm.tif band 1 [average]"))  // finer CHM
    }

    /// Runs validate on an edited copy; returns the one error line.
    func refusal(_ label: String, _ change: (DemoCopy) throws -> Void) throws -> String {
        let demo = try DemoCopy(label)
        try change(demo)
        let r = try sinkmap("validate", demo.scenePath)
        #expect(r.status != 0, "\(label): expected a refusal")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(label): expected one line, got \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack"))
        return String(lines.first ?? "")
    }

    @Test func missingFile() throws {
        let line = try refusal("missing") { $0.edit("ndvi: ndvi/2023-04.tif", "ndvi: ndvi/2023-04-missing.tif") }
        #expect(line.contains("scene.yaml: periods[3].ndvi: ndvi/2023-04-missing.tif: no such file"))
    }

    @Test func bandThatDoesNotExist() throws {
        let line = try refusal("band") { $0.edit("climate/prec.tif#5", "climate/prec.tif#13") }
        #expect(line.contains("periods[4].precipitation"))
        #expect(line.contains("band 13 does not exist (the raster has 12 bands)"))
    }

    @Test func inputThatDoesNotOverlapTheGrid() throws {
        let line = try refusal("overlap") { demo in
            let far = try Fixtures.grid(crs: "EPSG:4326", originX: 10, originY: 50, pixel: 0.01, width: 20, height: 20)
            try Fixtures.raster(demo.dir.file("far.tif"), grid: far, bands: [[Float](repeating: 500, count: 400)])
            demo.edit("radiation: climate/srad.tif#8", "radiation: far.tif")
        }
        #expect(line.contains("periods[7].radiation: far.tif"))
        #expect(line.contains("does not overlap the target grid"))
    }

    @Test func elevenPeriods() throws {
        let line = try refusal("eleven") { demo in
            let text = demo.sceneText
            let start = text.range(of: "  - month: 2023-12")!.lowerBound
            let end = text.range(of: "zones:")!.lowerBound
            demo.sceneText = String(text[..<start]) + String(text[end...])
        }
        #expect(line.contains("scene.yaml: periods: the CASA model needs exactly 12 monthly periods, found 11"))
    }

    @Test func missingZoneField() throws {
        let line = try refusal("zonefield") { $0.edit("id: county_code", "id: county_id") }
        #expect(line.contains("zones.levels[1].id"))
        #expect(line.contains("has no field 'county_id'"))
    }

    @Test func parameterTableMissingAColumn() throws {
        let line = try refusal("params") { demo in
            let csv = try String(contentsOfFile: demo.dir.file("classes.csv"), encoding: .utf8)
            let rows = csv.split(separator: "\n").map { row -> String in
                // Drop the c_soil column (index 11) from every row, quoted source text included.
                var fields: [String] = []
                var current = "", quoted = false
                for ch in row {
                    if ch == "\"" { quoted.toggle() }
                    if ch == "," && !quoted { fields.append(current); current = "" } else { current.append(ch) }
                }
                fields.append(current)
                fields.remove(at: 11)
                return fields.joined(separator: ",")
            }
            try (rows.joined(separator: "\n") + "\n").write(toFile: demo.dir.file("classes.csv"), atomically: true, encoding: .utf8)
        }
        #expect(line.contains("parameters"))
        #expect(line.contains("c_soil"))
    }

    @Test func unreadableYAML() throws {
        let line = try refusal("yaml") { $0.sceneText = "name: demo\nperiods: [\n  - month: {\n" }
        #expect(line.contains("scene.yaml: not valid YAML"))
    }

    @Test func unknownCRS() throws {
        let line = try refusal("crs") { demo in
            demo.edit("grid: {reference: landcover}",
                      "grid: {crs: \"EPSG:999999\", resolution: 30, bounds: [294000, 3325500, 309360, 3337020]}")
        }
        #expect(line.contains("grid.crs"))
    }

    @Test func crsThatCannotBeTransformedToTheGrid() throws {
        // A raster georeferenced on Mars: PROJ has no transformation to the Earth's UTM grid.
        let line = try refusal("mars") { demo in
            let mars = #"GEOGCS["Mars 2000",DATUM["D_Mars_2000",SPHEROID["Mars_2000_IAU_IAG",3396190,169.894447223612]],PRIMEM["Reference_Meridian",0],UNIT["degree",0.0174532925199433]]"#
            let grid = Grid(crsWKT: mars, transform: GeoTransform(originX: 122.9, pixelWidth: 0.01, originY: 30.2, pixelHeight: -0.01), width: 20, height: 20)
            try Fixtures.raster(demo.dir.file("mars.tif"), grid: grid, bands: [[Float](repeating: 10, count: 400)])
            demo.edit("temperature: climate/tmean.tif#3", "temperature: mars.tif")
        }
        #expect(line.contains("periods[2].temperature: mars.tif"))
    }
}
