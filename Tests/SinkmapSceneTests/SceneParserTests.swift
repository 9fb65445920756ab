import Foundation
import SinkmapKernels
import SinkmapScene
import Testing

/// Scene parsing: the three raster-reference forms, defaults, and one clear error per fault.
@Suite struct SceneParserTests {
    static func periods(_ count: Int = 12, extra: String = "") -> String {
        (1...count).map { m in
            let mm = m < 10 ? "0\(m)" : "\(m)"
            return """
              - month: 2023-\(mm)
                ndvi: ndvi/\(mm).tif
                temperature: clim/t.tif#\(m)
                precipitation: {path: clim/p.tif, band: \(m), scale: 0.1, offset: 0, nodata: -1}
                radiation: clim/s.tif#\(m)\(extra)
            """
        }.joined(separator: "\n")
    }

    static func scene(periods: String = periods(), models: String = "models: {npp: casa, rh: pei2009, carbon_fraction: 0.47}") -> String {
        """
        name: t
        landcover: lc.tif
        parameters: classes.csv
        canopy_height: {dsm: dsm.tif, dtm: dtm.tif}
        periods:
        \(periods)
        zones:
          path: admin.gpkg
          levels:
            - {name: township, id: town_code, label: town_name}
            - {name: county, id: county_code}
        redline: red.gpkg
        \(models)
        """
    }

    func parse(_ yaml: String) throws -> Scene {
        try SceneParser.parse(yaml: yaml, file: "/data/s/scene.yaml", shownAs: "scene.yaml")
    }

    func error(_ yaml: String) -> SceneError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch let e as SceneError {
            return e
        } catch {
            return SceneError(file: "?", field: "?", message: "\(error)")
        }
    }

    @Test func parsesAllThreeReferenceForms() throws {
        let s = try parse(Self.scene())
        #expect(s.name == "t")
        #expect(s.grid == .reference("landcover"))
        #expect(s.landcover == RasterRef(path: "lc.tif"))
        #expect(s.periods.count == 12)
        #expect(s.periods[6].month == YearMonth(year: 2023, month: 7))
        #expect(s.periods[6].ndvi == .ndvi(RasterRef(path: "ndvi/07.tif")))
        #expect(s.periods[6].temperature == RasterRef(path: "clim/t.tif", band: 7))
        #expect(s.periods[6].precipitation == RasterRef(path: "clim/p.tif", band: 7, scale: 0.1, offset: 0, nodata: -1))
        #expect(s.canopy == .dsmDtm(dsm: RasterRef(path: "dsm.tif"), dtm: RasterRef(path: "dtm.tif")))
        #expect(s.zones.levels.map(\.name) == ["township", "county"])
        #expect(s.zones.levels[1].labelField == nil)
        #expect(s.redline == RedlineSpec(path: "red.gpkg", layer: nil))
        #expect(s.options == ModelOptions(rh: .pei2009, carbonFraction: 0.47))
        #expect(s.resolve("lc.tif") == "/data/s/lc.tif")
        #expect(s.resolve("/abs/x.tif") == "/abs/x.tif")
    }

    @Test func periodsAreSortedChronologically() throws {
        // A hydrological year, listed out of order.
        var lines: [String] = []
        for (i, ym) in ["2023-03", "2023-01", "2022-12", "2023-02", "2022-11", "2022-10", "2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09"].enumerated() {
            lines.append("  - {month: \(ym), ndvi: n\(i).tif, temperature: t.tif#\(i + 1), precipitation: p.tif#\(i + 1), radiation: r.tif#\(i + 1)}")
        }
        let s = try parse(Self.scene(periods: lines.joined(separator: "\n")))
        #expect(s.periods.map(\.month.description).first == "2022-10")
        #expect(s.periods.map(\.month.description).last == "2023-09")
    }

    @Test func q10ModelAndExplicitGrid() throws {
        var yaml = Self.scene(models: "models: {rh: q10, rh_q10: {r_ref: 1.2, q10: 2.1, t_ref: 12}, carbon_fraction: 0.5}")
        yaml = yaml.replacingOccurrences(of: "name: t\n", with: "name: t\ngrid: {crs: \"EPSG:32651\", resolution: 30, bounds: [0, 0, 300, 600]}\n")
        let s = try parse(yaml)
        #expect(s.options == ModelOptions(rh: .q10(rRef: 1.2, q10: 2.1, tRef: 12), carbonFraction: 0.5))
        #expect(s.grid == .explicit(crs: "EPSG:32651", resolution: 30, bounds: [0, 0, 300, 600]))
    }

    @Test func elevenPeriodsAreRefused() throws {
        let e = try #require(error(Self.scene(periods: Self.periods(11))))
        #expect(e.field == "periods")
        #expect(e.description.hasPrefix("scene.yaml: periods: "))
        #expect(e.message.contains("12") && e.message.contains("11"))
    }

    @Test func repeatedMonthIsRefused() throws {
        let yaml = Self.scene().replacingOccurrences(of: "month: 2023-05", with: "month: 2023-04")
        let e = try #require(error(yaml))
        #expect(e.field == "periods[4].month")
        #expect(e.message.contains("2023-04"))
    }

    @Test(arguments: [
        ("landcover: lc.tif\n", "", "landcover"),
        ("ndvi: ndvi/03.tif", "ndvi: ndvi/03.tif#0", "periods[2].ndvi"),
        ("month: 2023-06", "month: 2023-13", "periods[5].month"),
        ("rh: pei2009", "rh: linear", "models.rh"),
        ("carbon_fraction: 0.47", "carbon_fraction: lots", "models.carbon_fraction"),
        ("parameters: classes.csv", "paramters: classes.csv", "paramters"),
        ("- {name: county, id: county_code}", "- {name: county}", "zones.levels[1].id"),
        ("rh: pei2009", "rh: q10, rh_q10: {q10: 0}", "models.rh_q10.q10"),
        ("rh: pei2009", "rh: q10, rh_q10: {q10: -2}", "models.rh_q10.q10"),
        ("rh: pei2009", "rh: q10, rh_q10: {r_ref: .nan}", "models.rh_q10.r_ref"),
        ("rh: pei2009", "rh: q10, rh_q10: {t_ref: .inf}", "models.rh_q10.t_ref"),
        ("scale: 0.1", "scale: .nan", "periods[0].precipitation.scale"),
    ])
    func faultsNameTheirField(edit: (String, String, String)) throws {
        let yaml = Self.scene().replacingOccurrences(of: edit.0, with: edit.1)
        #expect(yaml != Self.scene())
        let e = try #require(error(yaml))
        #expect(e.field == edit.2)
        #expect(!e.description.contains("\n"))
    }

    @Test func nodataMayBeNaN() throws {
        let s = try parse(Self.scene().replacingOccurrences(of: "nodata: -1", with: "nodata: nan"))
        #expect(s.periods[0].precipitation.nodata?.isNaN == true)
    }

    @Test func unreadableYAMLIsOneLine() throws {
        let e = try #require(error("name: [unclosed\nperiods: {"))
        #expect(e.message.hasPrefix("not valid YAML"))
        #expect(!e.description.contains("\n"))
        #expect(error("") != nil)
        #expect(error("- just\n- a list\n")?.message == "the scene must be a YAML mapping")
    }
}
