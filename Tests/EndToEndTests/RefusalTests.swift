import Foundation
import GDALKit
import Testing
import TestSupport

/// Bad inputs are refused with one line naming what is wrong, exit status 1 and nothing
/// left behind: neither `DIR` nor a `.DIR.partial-*` staging folder. Refusals found during
/// validation are refused by `validate` too.
@Suite struct RefusalTests {
    /// Runs `run` on the edited copy (and `validate` when `validates`); each must exit 1 with
    /// exactly one `sinkmap: error: ` line holding every word of `words`. Returns run's line.
    @discardableResult
    func refusal(_ demo: DemoCopy, validates: Bool, _ words: [String],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let out = demo.dir.file("out")
        let r = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        let line = BadInput.checkOneErrorLine(r, "run", words, sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: out), "run left \(out) behind", sourceLocation: sourceLocation)
        let staging = try FileManager.default.contentsOfDirectory(atPath: demo.dir.path).filter { $0.hasPrefix(".out.partial-") }
        #expect(staging.isEmpty, "run left staging folders: \(staging)", sourceLocation: sourceLocation)
        if validates {
            let v = try sinkmap("validate", demo.scenePath)
            BadInput.checkOneErrorLine(v, "validate", words, sourceLocation)
        }
        return line
    }

    // 1. A monthly input covering only half of the zones' extent.
    @Test func monthlyInputCoveringHalfTheZones() throws {
        let demo = try DemoCopy("uncovered")
        let (g, bands) = try BadInput.bands(BadInput.demo + "/climate/tmean.tif")
        // The western half: the first 12 of 23 columns, all 12 bands.
        let west = Grid(crsWKT: g.crsWKT, transform: g.transform, width: 12, height: g.height)
        let cropped = bands.map { b in (0..<g.height).flatMap { row in b[row * g.width ..< row * g.width + 12] } }
        try Fixtures.raster(demo.dir.file("tmean-west.tif"), grid: west, bands: cropped, nodata: -9999)
        demo.edit("temperature: climate/tmean.tif#3", "temperature: tmean-west.tif#3")
        try refusal(demo, validates: true, ["tmean-west.tif", "uncovered"])
    }

    // 2. Zones far away from the grid (same CRS).
    @Test func zonesThatOverlapNothing() throws {
        let demo = try DemoCopy("farzones")
        try Fixtures.polygons(demo.dir.file("far.gpkg"), layer: "townships", crs: "EPSG:32651", fields: BadInput.zoneFields,
                              features: [(Fixtures.rectangle(700_000, 3_500_000, 710_000, 3_510_000), BadInput.unit(1)),
                                         (Fixtures.rectangle(710_000, 3_500_000, 720_000, 3_510_000), BadInput.unit(2))])
        demo.edit("path: admin/townships.gpkg", "path: far.gpkg")
        try refusal(demo, validates: true, ["no zone polygon overlaps the grid"])
    }

    // 3. Zones without a CRS: a GeoPackage written without one (GDAL stores srs_id 0, the
    // "undefined geographic SRS"; `ogr2ogr -a_srs None` does the same) and a shapefile without .prj.
    @Test(arguments: ["gpkg", "shp"])
    func zonesWithoutCRS(format: String) throws {
        let demo = try DemoCopy("zonesnocrs-\(format)")
        // Shapefile field names have at most 10 characters.
        let fields = format == "shp" ? BadInput.zoneFields.map { $0.replacingOccurrences(of: "county", with: "cnty") } : BadInput.zoneFields
        let features = try VectorDataset(path: BadInput.demo + "/admin/townships.gpkg").layer("townships").features(fields: BadInput.zoneFields)
        try BadInput.writeWithoutCRS(demo.dir.file("zones-nocrs.\(format)"), layer: "townships", fields: fields, features: features.map { f in
            (BadInput.zoneFields.map { f.fields[$0] ?? "" }, f.geometry)
        })
        demo.edit("path: admin/townships.gpkg", "path: zones-nocrs.\(format)")
        if format == "shp" {
            demo.edit("layer: townships\n", "layer: zones-nocrs\n")
            demo.edit("id: county_code, label: county_name", "id: cnty_code, label: cnty_name")
        }
        try refusal(demo, validates: true, ["zones", "zones-nocrs.\(format)", "has no CRS"])
    }

    // 4. A red line without a CRS (as in 3).
    @Test(arguments: ["gpkg", "shp"])
    func redlineWithoutCRS(format: String) throws {
        let demo = try DemoCopy("rednocrs-\(format)")
        let fields = ["rl_code", "rl_name", "rl_type"]
        let features = try VectorDataset(path: BadInput.demo + "/admin/redline.gpkg").layer("redline").features(fields: fields)
        try BadInput.writeWithoutCRS(demo.dir.file("redline-nocrs.\(format)"), layer: "redline", fields: fields, features: features.map { f in
            (fields.map { f.fields[$0] ?? "" }, f.geometry)
        })
        demo.edit("redline: admin/redline.gpkg", "redline: redline-nocrs.\(format)")
        try refusal(demo, validates: true, ["redline", "redline-nocrs.\(format)", "has no CRS"])
    }

    // 5. A self-intersecting (bow-tie) zone polygon.
    @Test func zoneWithInvalidGeometry() throws {
        let demo = try DemoCopy("bowtie")
        let bowtie = "POLYGON ((300000 3330000, 302000 3332000, 302000 3330000, 300000 3332000, 300000 3330000))"
        try Fixtures.polygons(demo.dir.file("bowtie.gpkg"), layer: "townships", crs: "EPSG:32651", fields: BadInput.zoneFields,
                              features: [(Fixtures.rectangle(294_000, 3_325_500, 309_360, 3_337_020), BadInput.unit(1)),
                                         (bowtie, BadInput.unit(2))])
        demo.edit("path: admin/townships.gpkg", "path: bowtie.gpkg")
        let line = try refusal(demo, validates: true, ["invalid geometry"])
        #expect(line.contains("1002") || line.contains("fid"), "\(line)")
    }

    // 6. A point layer and a line layer as zones.
    @Test(arguments: [("point", "Point"), ("line", "Line String")])
    func zonesThatAreNotPolygons(kind: String, typeName: String) throws {
        let demo = try DemoCopy("zones-\(kind)")
        try BadInput.writeNonPolygonZones(demo.dir.file("zones-\(kind).gpkg"), kind: kind)
        demo.edit("path: admin/townships.gpkg", "path: zones-\(kind).gpkg")
        try refusal(demo, validates: true, [typeName, "must be polygons"])
    }

    // 7. A key given twice in the scene file.
    @Test func duplicateYAMLKey() throws {
        let demo = try DemoCopy("dupkey")
        demo.edit("landcover: landcover.tif\n", "landcover: landcover.tif\nlandcover: landcover.tif\n")
        try refusal(demo, validates: true, ["duplicate key"])
    }

    // 8. Raw Int16 NDVI read without its scale factor.
    @Test func ndviWithoutItsScale() throws {
        let demo = try DemoCopy("ndviscale")
        demo.edit("ndvi: ndvi/2023-07.tif", "ndvi: {path: ndvi/2023-07.tif, scale: 1, offset: 0, nodata: -32768}")
        try refusal(demo, validates: false, ["outside [-1, 1]", "2023-07.tif"])
    }

    // 9. A Float32 land cover holding 1.5.
    @Test func fractionalLandCover() throws {
        let demo = try DemoCopy("fraclc")
        let (g, bands) = try BadInput.bands(BadInput.demo + "/landcover.tif")
        var lc = bands[0]
        for i in (100 * g.width)..<(110 * g.width) { lc[i] = 1.5 }  // rows 100-109, inside the zones
        try Fixtures.raster(demo.dir.file("landcover-float.tif"), grid: g, bands: [lc], type: .float32, nodata: 255)
        demo.edit("landcover: landcover.tif", "landcover: landcover-float.tif")
        try refusal(demo, validates: false, ["not a whole number"])
    }

    // 10. Parameter tables with eps_max outside (0, 5] or ndvi_min not below ndvi_max.
    static let tableFaults: [(String, String)] = [
        ("4,Deciduous broadleaf forests,forest,0,0.023,0.747,", "outside (0, 5]"),
        ("4,Deciduous broadleaf forests,forest,7,0.023,0.747,", "outside (0, 5]"),
        ("4,Deciduous broadleaf forests,forest,0.692,0.8,0.747,", "must be less than ndvi_max"),
        ("4,Deciduous broadleaf forests,forest,0.692,0.747,0.747,", "must be less than ndvi_max"),
    ]

    @Test(arguments: tableFaults)
    func implausibleParameterTable(row: String, words: String) throws {
        let demo = try DemoCopy("table")
        let path = demo.dir.file("classes.csv")
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        let original = "4,Deciduous broadleaf forests,forest,0.692,0.023,0.747,"
        try #require(csv.contains(original))
        try csv.replacingOccurrences(of: original, with: row).write(toFile: path, atomically: true, encoding: .utf8)
        try refusal(demo, validates: true, ["classes.csv", words])
    }

    // 11. A land cover of one code the table does not have.
    @Test func landCoverWithNoCodeOfTheTable() throws {
        let demo = try DemoCopy("allunknown")
        let g = try Dataset(path: BadInput.demo + "/landcover.tif").grid()
        try Fixtures.raster(demo.dir.file("landcover-unknown.tif"), grid: g, bands: [[Float](repeating: 99, count: g.pixelCount)],
                            type: .byte, nodata: 255)
        demo.edit("landcover: landcover.tif", "landcover: landcover-unknown.tif")
        let line = try refusal(demo, validates: false, ["nothing to account"])
        // The code itself, not digits of the scratch folder's name.
        #expect(line.replacingOccurrences(of: demo.dir.path, with: "").contains("99"), "\(line)")
    }
}

/// Derivation of bad inputs from the demo's files, and the checks every refusal shares.
enum BadInput {
    static let demo = Repo.root + "/testdata/demo"
    static let zoneFields = ["town_code", "town_name", "county_code", "county_name", "city_code", "city_name"]

    /// Attribute values of a made-up township `i` (town 100i, county 10, city 1).
    static func unit(_ i: Int) -> [String] { ["100\(i)", "T\(i)", "10", "C", "1", "S"] }

    /// Every band of a raster as Float planes, with its grid.
    static func bands(_ path: String) throws -> (grid: Grid, bands: [[Float]]) {
        let ds = try Dataset(path: path)
        let g = try ds.grid()
        let planes: [[Float]] = try (1...ds.bandCount).map { b in
            var v = [Float](repeating: 0, count: g.pixelCount)
            try v.withUnsafeMutableBufferPointer { try ds.readRaw(band: b, window: g.window, into: $0.baseAddress!) }
            return v
        }
        return (g, planes)
    }

    /// Writes polygons with text `fields` into a new layer that declares no CRS: a GeoPackage
    /// (`.gpkg`) or a shapefile without .prj (`.shp`; the layer is then named after the file).
    static func writeWithoutCRS(_ path: String, layer name: String, fields: [String],
                                features: [(values: [String], geometry: Geometry?)]) throws {
        let w = try VectorWriter(path: path, driver: path.hasSuffix(".shp") ? "ESRI Shapefile" : "GPKG")
        let out = try w.createLayer(name, srs: nil, fields: fields.map { ($0, .string) })
        for f in features {
            try out.add(zip(fields, f.values).map { ($0, .string($1)) }, geometry: f.geometry)
        }
        try w.close()
        // GDAL reads a GeoPackage's srs_id 0 back as "Undefined geographic SRS": no real CRS.
        let srs = try VectorDataset(path: path).layer(nil).spatialReference
        #expect(srs == nil || srs!.name.hasPrefix("Undefined"), "the copy has a CRS: \(srs!.name)")
        if path.hasSuffix(".shp") { #expect(!FileManager.default.fileExists(atPath: String(path.dropLast(4)) + ".prj")) }
    }

    /// A GeoPackage layer `townships` (EPSG:32651) of points or line strings inside the grid,
    /// with the zone fields; written with Python's GDAL bindings (GDALKit writes polygons only).
    static func writeNonPolygonZones(_ path: String, kind: String) throws {
        let script = """
        import sys
        from osgeo import ogr, osr
        path, kind = sys.argv[1], sys.argv[2]
        srs = osr.SpatialReference(); srs.ImportFromEPSG(32651)
        ds = ogr.GetDriverByName('GPKG').CreateDataSource(path)
        layer = ds.CreateLayer('townships', srs, ogr.wkbPoint if kind == 'point' else ogr.wkbLineString)
        names = [\(zoneFields.map { "'\($0)'" }.joined(separator: ", "))]
        for n in names: layer.CreateField(ogr.FieldDefn(n, ogr.OFTString))
        shapes = {'point': ['POINT (300000 3330000)', 'POINT (305000 3332000)'],
                  'line': ['LINESTRING (295000 3326000, 308000 3336000)', 'LINESTRING (295000 3336000, 308000 3326000)']}[kind]
        for i, wkt in enumerate(shapes):
            f = ogr.Feature(layer.GetLayerDefn())
            for n, v in zip(names, ['100%d' % (i + 1), 'T%d' % (i + 1), '10', 'C', '1', 'S']): f.SetField(n, v)
            f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
            layer.CreateFeature(f)
        ds = None
        """
        let r = try runProcess("/usr/bin/python3", ["-c", script, path, kind])
        try #require(r.status == 0, "python3: \(r.stderr)")
    }

    /// Checks a refused command: exit status 1 and a stderr of exactly one line starting with
    /// `sinkmap: error: ` and holding every word. Returns the line.
    @discardableResult
    static func checkOneErrorLine(_ r: ProcessResult, _ command: String, _ words: [String],
                                  _ sourceLocation: SourceLocation) -> String {
        #expect(r.status == 1, "\(command): exit status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
        let newlines = r.stderr.filter { $0 == "\n" }.count
        #expect(newlines == 1 && r.stderr.hasSuffix("\n"), "\(command): expected one line, got: \(r.stderr)",
                sourceLocation: sourceLocation)
        let line = String(r.stderr.split(separator: "\n").first ?? "")
        #expect(line.hasPrefix("sinkmap: error: "), "\(command): \(line)", sourceLocation: sourceLocation)
        for w in words {
            #expect(line.contains(w), "\(command): '\(w)' missing from: \(line)", sourceLocation: sourceLocation)
        }
        return line
    }
}
