import Foundation
import GDALKit
import Testing
import TestSupport
import SinkmapArchive

/// Bad values that do not stop a run: they are read as nodata, counted in summary.json,
/// named on stderr, and the figures of zonal.csv stay finite and consistent.
@Suite struct BadInputRunTests {
    static let casaEcosystems: Set<String> = ["forest", "shrub", "grassland", "wetland", "farmland"]
    static let figures = ["pixels", "pixels_nep", "area_ha", "lc_missing_ha", "npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e", "carbon_tco2e"]
    static let fluxes = ["npp_tc", "rh_tc", "nep_tc", "nep_tco2e"]

    /// Runs the edited copy into `DIR`; returns the result, the table and summary.json's left_out.
    func run(_ demo: DemoCopy) throws -> (ProcessResult, ZonalCSV, [String: Any]) {
        let out = demo.dir.file("out")
        let r = try sinkmap("run", demo.scenePath, "--out", out, "--quiet")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("sinkmap: error: "), "\(r.stderr)")
        for line in r.stderr.split(separator: "\n") {
            #expect(line.hasPrefix("sinkmap: warning: "), "only warnings under --quiet: \(line)")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let left = try #require(summary["left_out"] as? [String: Any])
        return (r, try ZonalCSV(path: out + "/zonal.csv"), left)
    }

    static func count(_ left: [String: Any], _ key: String) -> Int { (left[key] as? NSNumber)?.intValue ?? -1 }

    /// A figure of the table: an integer or decimal number that is finite (no inf, nan, ...).
    static func isFinite(_ text: String) -> Bool {
        guard let x = Double(text), x.isFinite, let d = Decimal(string: text), !d.isNaN else { return false }
        return true
    }

    // 12. July's NDVI entirely nodata.
    @Test func oneMonthOfNDVIAllNodata() throws {
        let demo = try DemoCopy("ndvinodata")
        let g = try Dataset(path: BadInput.demo + "/ndvi/2023-07.tif").grid()
        try Fixtures.raster(demo.dir.file("ndvi-2023-07-nodata.tif"), grid: g, bands: [[Float](repeating: -32768, count: g.pixelCount)],
                            type: .int16, nodata: -32768, scale: 0.0001)
        demo.edit("ndvi: ndvi/2023-07.tif", "ndvi: ndvi-2023-07-nodata.tif")
        let (r, csv, left) = try run(demo)
        try #require(r.status == 0)

        let casaRows = csv.rows.filter { Self.casaEcosystems.contains($0["ecosystem"]!) }
        #expect(casaRows.count >= 5 * 3)
        for row in casaRows {
            // Missing, not zero.
            #expect(row["pixels_nep"] == "0", "\(row)")
            for c in Self.fluxes { #expect(row[c] == "", "\(c) of \(row)") }
            #expect(row["carbon_tc"] != "" && row["area_ha"] != "0", "\(row)")
        }
        #expect(Self.count(left, "nep_missing") > 0, "\(left)")
        #expect(Self.count(left, "monthly_input_nodata") > 0, "\(left)")

        let warning = r.stderr.split(separator: "\n").first { $0.contains("have no NPP/Rh/NEP") }
        let line = try #require(warning, "no warning about missing NEP: \(r.stderr)")
        #expect(line.hasPrefix("sinkmap: warning: "))
        #expect(line.contains("most affected"), "\(line)")
        #expect(line.contains("33060"), "names no township: \(line)")  // town codes 330602001 ...
    }

    // 13. Radiation with the undeclared fill 3.4e38 and -inf.
    @Test func undeclaredFillValuesInRadiation() throws {
        let demo = try DemoCopy("fill")
        let (g, source) = try BadInput.bands(BadInput.demo + "/climate/srad.tif")
        #expect(g.width == 23 && g.height == 17)  // 0.01° pixels; the grid spans columns 3-19, rows 5-15
        let fill: Float = 3.4e38
        // The file's nodata (-9999) becomes the fill, in every band, and no nodata is declared.
        var bands = source.map { b in b.map { $0 == -9999 ? fill : $0 } }
        for row in 8..<13 { for col in 9..<14 { bands[6][row * g.width + col] = fill } }  // July: 5 × 5 (about 28 000 grid pixels)
        for (row, col) in [(6, 5), (14, 17), (10, 18)] { bands[6][row * g.width + col] = -.infinity }
        try Fixtures.raster(demo.dir.file("srad-fill.tif"), grid: g, bands: bands, type: .float32, nodata: nil)
        #expect(try Dataset(path: demo.dir.file("srad-fill.tif")).bandInfo(7).nodata == nil)
        demo.sceneText = demo.sceneText.replacingOccurrences(of: "radiation: climate/srad.tif#", with: "radiation: srad-fill.tif#")
        #expect(!demo.sceneText.contains("climate/srad.tif"))

        let (r, csv, left) = try run(demo)
        try #require(r.status == 0)
        #expect(Self.count(left, "invalid_input_values") > 0, "\(left)")
        #expect(r.stderr.contains("undeclared fill values"), "\(r.stderr)")

        #expect(!csv.rows.isEmpty)
        for row in csv.rows {
            for c in Self.figures {
                let text = row[c] ?? "?"
                if Self.fluxes.contains(c) && text.isEmpty && row["pixels_nep"] == "0" { continue }
                #expect(Self.isFinite(text), "\(c) = '\(text)' in \(row)")
            }
            if let n = Int(row["pixels_nep"] ?? ""), n > 0 {
                #expect(dec(row["nep_tc"]) == dec(row["npp_tc"]) - dec(row["rh_tc"]), "\(row)")
            }
        }
        // Some units still have NEP; July's fill block took it from some pixels.
        let city = try #require(csv.rows(level: "city", ecosystem: "all", redline: "all").first)
        #expect(Int(city["pixels_nep"]!)! > 0 && Int(city["pixels_nep"]!)! < Int(city["pixels"]!)!, "\(city)")
    }
}
