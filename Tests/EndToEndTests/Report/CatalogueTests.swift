import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GDALKit
import SinkmapEngine
import Testing
import TestSupport
import SinkmapArchive
import SinkmapKernels

/// What `run` writes for catalogues and GIS: `stac.json` (validated offline by jsonschema against
/// the official JSON schemas of the STAC 1.1.0 Item and of the projection extension v2.0.0, and by
/// stac-pydantic; read by pystac and compared with the COGs and GDAL's own statistics) and a QGIS
/// style beside each COG with the report's colour ramp.
@Suite(.serialized) struct CatalogueTests {
    let fx = ReportRun.shared
    static let layers = ["npp", "rh", "nep", "agb", "carbon"]

    @Test func stacItemValidatesAndMatchesTheCOGs() throws {
        let fixture = try runProcess("/bin/bash", [Repo.root + "/Tests/fixtures/stac-fixture"])
        if fixture.status == 3 {
            print("skipped: STAC validation: \(fixture.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        try #require(fixture.status == 0, "stac-fixture exited \(fixture.status): \(fixture.stderr)")
        func line(_ key: String) -> String? { fixture.stdout.split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) } }
        let python = try #require(line("python")), schemas = try #require(line("schemas"))
        let check = try runProcess(python, [Repo.root + "/Tests/fixtures/stac-check.py", fx.out + "/stac.json", schemas])
        try #require(check.status == 0, "the item did not validate: \(check.stderr)")
        let read = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as! [String: Any]
        // JSON Schema validation ran against the core Item schema and the schema of every extension the item names.
        let extensions = try #require(read["extensions"] as? [String])
        #expect(extensions == StacItem.extensions && read["stac_version"] as? String == "1.1.0")
        #expect(read["validated"] as? [String] == ["https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json"] + extensions)

        let nep = try Dataset(path: fx.out + "/nep.tif")
        let grid = try nep.grid()
        #expect(read["id"] as? String == "shangyu-2023-demo")
        let epsg = try #require(try SpatialReference(definition: grid.crsWKT).epsg)
        #expect(read["epsg"] as? Int == Int(epsg.split(separator: ":").last ?? ""), "EPSG \(epsg)")
        #expect(read["code"] as? String == epsg, "proj:code \(read["code"] ?? "nil") vs \(epsg)")
        #expect(read["shape"] as? [Int] == [grid.height, grid.width])
        let t = grid.transform
        #expect(read["transform"] as? [Double] == [t.pixelWidth, t.rowRotation, t.originX, t.columnRotation, t.pixelHeight, t.originY])
        // The bbox (WGS 84) holds the grid's centre.
        let b = grid.bounds()
        let ct = try CoordinateTransform(from: SpatialReference(definition: grid.crsWKT), to: SpatialReference(definition: "EPSG:4326"))
        let centre = try ct.transform([SIMD2((b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2)])[0]
        let bbox = try #require(read["bbox"] as? [Double])
        #expect(bbox[0] < centre.x && centre.x < bbox[2] && bbox[1] < centre.y && centre.y < bbox[3])

        // Per band: unit, nodata, type, and statistics equal to GDAL's own (on a copy, so no .aux.xml lands in the run).
        let assets = read["assets"] as! [String: [String: Any]]
        let dir = TempDir("stac-stats")
        for (i, name) in Self.layers.enumerated() {
            let a = try #require(assets[name])
            #expect(a["href"] as? String == "./\(name).tif")
            #expect(a["unit"] as? String == OutputLayers.bands[[ "npp", "rh", "nep", "agb", "carbon"].firstIndex(of: name)!].unit)
            #expect(a["nodata"] as? Double == -9999 && a["data_type"] as? String == "float32")
            #expect(a["gsd"] as? Double == abs(t.pixelWidth))  // the demo's grid is UTM, in metres
            try FileManager.default.copyItem(atPath: fx.out + "/\(name).tif", toPath: dir.file("\(name).tif"))
            let info = try runProcess("/usr/bin/gdalinfo", ["-json", "-stats", dir.file("\(name).tif")])
            let json = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
            // GDAL's statistics as it stores them (%.14g; the valid share to one decimal).
            let band = (json["bands"] as! [[String: Any]])[0]
            let meta = ((band["metadata"] as! [String: Any])[""] as! [String: String])
            func gdal(_ key: String) -> Double { Double(meta["STATISTICS_" + key]!)! }
            func close(_ a: Double, _ b: Double, _ rel: Double) -> Bool { abs(a - b) <= rel * max(1, abs(b)) }
            let s = try #require(a["statistics"] as? [String: Double])
            #expect(close(s["minimum"]!, gdal("MINIMUM"), 1e-12) && close(s["maximum"]!, gdal("MAXIMUM"), 1e-12), "\(name) min/max")
            #expect(close(s["mean"]!, gdal("MEAN"), 1e-12), "\(name) mean \(s["mean"]!) vs \(gdal("MEAN"))")
            #expect(close(s["stddev"]!, gdal("STDDEV"), 1e-9), "\(name) stddev \(s["stddev"]!) vs \(gdal("STDDEV"))")
            #expect(abs(s["valid_percent"]! - gdal("VALID_PERCENT")) <= 0.05, "\(name) valid_percent")
            #expect(assets["\(name)-style"]?["href"] as? String == "./\(name).qml")
            _ = i
        }
        for f in ["zonal.csv", "onemap.gpkg", "summary.json"] {
            #expect(assets.values.contains { $0["href"] as? String == "./" + f }, "\(f) not an asset")
        }
    }

    /// The items and custom properties of a .qml file.
    final class QMLReader: NSObject, XMLParserDelegate {
        var root: String?
        var items: [(value: Double, colour: String, label: String)] = []
        var properties: [String: String] = [:]
        var rendererBand: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
            if root == nil { root = name }
            if name == "item", let v = a["value"].flatMap(Double.init), let c = a["color"] { items.append((v, c, a["label"] ?? "")) }
            if name == "Option", let n = a["name"], let v = a["value"] { properties[n] = v }
            if name == "rasterrenderer" { rendererBand = a["band"] }
        }
    }

    @Test func qgisStylesAreXMLWithTheReportsRamp() throws {
        let html = fx.htmlText
        for name in Self.layers {
            let reader = QMLReader()
            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: fx.out + "/\(name).qml")))
            parser.delegate = reader
            #expect(parser.parse(), "\(name).qml: \(parser.parserError.map { "\($0)" } ?? "")")
            #expect(reader.root == "qgis" && reader.rendererBand == "1")
            #expect(reader.properties["sinkmap_band"] == name)
            #expect(reader.items.count == 5)
            #expect(zip(reader.items, reader.items.dropFirst()).allSatisfy { $0.value < $1.value }, "\(name): stops not increasing")
            #expect(reader.items.allSatisfy { $0.label.hasPrefix(name + " ") })
            // The report's legend for this layer has the same colours at the same relative places.
            let legend = try #require(html.components(separatedBy: "<linearGradient id=\"ramp-\(name)-").dropFirst().first?
                .components(separatedBy: "</linearGradient>").first)
            let colours = legend.components(separatedBy: "stop-color=\"").dropFirst().map { String($0.prefix(7)) }
            #expect(colours == reader.items.map(\.colour), "\(name): report \(colours) vs qml \(reader.items.map(\.colour))")
            // The ramp spans the 2nd to 98th percentile of the overview's valid values.
            let overview = try Dataset(path: fx.out + "/\(name).tif").readOverview(band: 1, minSide: LayerStyle.overviewSide)
            let valid = overview.values.filter { !$0.isNaN }.sorted()
            let p2 = Double(valid[Int((Double(valid.count - 1) * 0.02).rounded())]), p98 = Double(valid[Int((Double(valid.count - 1) * 0.98).rounded())])
            #expect(reader.items.first!.value <= p2 && reader.items.last!.value >= p98, "\(name): [\(p2), \(p98)] outside the ramp")
            #expect(reader.items.last!.value <= p98 * 1.1 + 1e-9 || name == "nep", "\(name): ramp ends far above the 98th percentile")
        }
        // NEP diverges around zero: brown for a source, green for a sink.
        let nep = QMLReader()
        let p = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: fx.out + "/nep.qml")))
        p.delegate = nep
        _ = p.parse()
        #expect(nep.items[2].value == 0 && nep.items[0].value == -nep.items[4].value)
        #expect(nep.items[0].colour == "#8c510a" && nep.items[4].colour == "#01665e")
    }

    @Test func rampsRoundOutwardsToTwoDigits() {
        #expect(LayerStyle.niceUp(1182.02) == 1200 && LayerStyle.niceUp(0.0734) == 0.074 && LayerStyle.niceUp(9.99) == 10)
        #expect(LayerStyle.niceDown(47.5) == 47 && LayerStyle.niceDown(0.0) == 0)
        let s = LayerStyle.make(layer: "npp", title: "t", unit: "u", values: (0...100).map { Float($0) } + [.nan, 1e6])
        #expect(s.stops.map(\.value) == [2, 25, 51, 76, 99])  // quantiles of the 102 valid values
        let flat = LayerStyle.make(layer: "rh", title: "t", unit: "u", values: [Float](repeating: 5, count: 50))
        #expect(flat.stops.map(\.value) == [5, 5.25, 5.5, 5.75, 6])  // merged quantiles: evenly spaced
        let nep = LayerStyle.make(layer: "nep", title: "t", unit: "u", values: (-30...1000).map { Float($0) })
        #expect(nep.stops.map(\.value) == [-980, -490, 0, 490, 980])  // 98th percentile 979, rounded up
        #expect(s.colour(-5) == s.stops[0].rgb && s.colour(1e9) == s.stops[4].rgb && s.colour(.init(s.stops[2].value)) == s.stops[2].rgb)
    }
}
