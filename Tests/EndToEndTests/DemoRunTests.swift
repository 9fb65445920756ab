import Foundation
import GDALKit
import Testing
import TestSupport
import SinkmapArchive

/// One run of the demo scene shared by the end-to-end checks below.
final class DemoRun: Sendable {
    static let shared = DemoRun()
    let dir = TempDir("demo-run")
    var out: String { dir.file("out") }
    let result: ProcessResult

    init() {
        result = try! sinkmap("run", Repo.demoScene, "--out", dir.file("out"), "--quiet")
    }
}

/// The rows of a zonal.csv, as text fields by column name.
struct ZonalCSV {
    let header: [String]
    let rows: [[String: String]]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        header = lines.removeFirst().split(separator: ",").map(String.init)
        rows = lines.map { line in
            let fields = ZonalCSV.split(line)
            return Dictionary(uniqueKeysWithValues: zip(ZonalCSV.columns, fields))
        }
    }

    static let columns = ["level", "unit_id", "unit_name", "parent_id", "ecosystem", "redline", "pixels", "pixels_nep", "area_ha", "lc_missing_ha",
                          "npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e", "carbon_tco2e"]

    static func split(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        for ch in line {
            if ch == "\"" { quoted.toggle(); continue }
            if ch == "," && !quoted { fields.append(current); current = "" } else { current.append(ch) }
        }
        fields.append(current)
        return fields
    }

    func rows(level: String, ecosystem: String? = nil, redline: String? = nil) -> [[String: String]] {
        rows.filter { $0["level"] == level && (ecosystem == nil || $0["ecosystem"] == ecosystem) && (redline == nil || $0["redline"] == redline) }
    }
}

/// Exact decimal arithmetic on the CSV's figures.
func dec(_ s: String?) -> Decimal { Decimal(string: s ?? "x") ?? Decimal.nan }

@Suite(.serialized) struct DemoRunTests {
    let run = DemoRun.shared
    static let totals = ["pixels", "pixels_nep", "area_ha", "lc_missing_ha", "npp_tc", "rh_tc", "nep_tc", "carbon_tc"]

    @Test func runSucceedsAndWritesEveryOutput() throws {
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.result.stdout.contains("Outputs in "))
        for f in ["npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif", "zonal.csv", "onemap.gpkg", "summary.json"] {
            #expect(FileManager.default.fileExists(atPath: run.out + "/" + f), "\(f) missing")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.out).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func rastersAreCOGsOnTheGridWithNodata() throws {
        let lc = try Dataset(path: Repo.root + "/testdata/demo/landcover.tif").grid()
        for name in ["npp", "rh", "nep", "agb", "carbon"] {
            let path = run.out + "/\(name).tif"
            let ds = try Dataset(path: path)
            let g = try ds.grid()
            #expect(g.transform == lc.transform && g.width == lc.width && g.height == lc.height)
            #expect(try SpatialReference(definition: g.crsWKT).isSame(as: SpatialReference(definition: lc.crsWKT)))
            let info = try ds.bandInfo(1)
            #expect(info.type == .float32 && info.nodata == -9999)
            let gdalinfo = try runProcess("/usr/bin/gdalinfo", [path])
            #expect(gdalinfo.stdout.contains("LAYOUT=COG"), "\(name) is not a COG")
            #expect(gdalinfo.stdout.contains("Overviews: 256x192"))
            #expect(gdalinfo.stdout.contains("COMPRESSION=DEFLATE"))
            // Self-describing: band description and unit, and the scene's metadata.
            let unit = ["npp": "gC m-2 yr-1", "rh": "gC m-2 yr-1", "nep": "gC m-2 yr-1", "agb": "Mg ha-1", "carbon": "Mg C ha-1"][name]!
            #expect(gdalinfo.stdout.contains("Unit Type: \(unit)\n"), "\(name): unit")
            #expect(gdalinfo.stdout.contains("Description = \(name == "carbon" ? "Carbon stock" : name == "agb" ? "AGB" : name.uppercased() == "RH" ? "Rh" : name.uppercased()):"), "\(name): description")
            #expect(gdalinfo.stdout.contains("SINKMAP_SCENE=shangyu-2023-demo"))
            #expect(gdalinfo.stdout.contains("SINKMAP_MONTHS=2023-01,2023-02,2023-03,2023-04,2023-05,2023-06,2023-07,2023-08,2023-09,2023-10,2023-11,2023-12"))
        }
    }

    @Test func csvHasTheContractColumns() throws {
        let csv = try ZonalCSV(path: run.out + "/zonal.csv")
        #expect(csv.header == ZonalCSV.columns)
        #expect(Set(csv.rows.map { $0["level"]! }) == ["township", "county", "city"])
        #expect(Set(csv.rows.map { $0["redline"]! }) == ["all", "inside", "outside"])
        #expect(csv.rows(level: "township", ecosystem: "all", redline: "all").count == 12)
        #expect(csv.rows(level: "county", ecosystem: "all", redline: "all").count == 3)
    }

    @Test func allRowsAreExactSumsOfTheirParts() throws {
        let csv = try ZonalCSV(path: run.out + "/zonal.csv")
        for level in ["township", "county", "city"] {
            for unit in csv.rows(level: level, ecosystem: "all", redline: "all") {
                let rows = csv.rows.filter { $0["level"] == level && $0["unit_id"] == unit["unit_id"] }
                for column in Self.totals {
                    // The ecosystem rows cover the unit's area but its part without valid land cover.
                    let missing = column == "area_ha" ? figure(unit, "lc_missing_ha") : 0
                    let byEco = rows.filter { $0["ecosystem"] != "all" && $0["redline"] == "all" }.map { figure($0, column) }.reduce(0, +)
                        + missing
                    let byRed = rows.filter { $0["ecosystem"] == "all" && $0["redline"] != "all" }.map { figure($0, column) }.reduce(0, +)
                    if column != "lc_missing_ha" {
                        #expect(byEco == figure(unit, column), "\(level) \(unit["unit_id"]!) \(column): ecosystems")
                    }
                    #expect(byRed == figure(unit, column), "\(level) \(unit["unit_id"]!) \(column): red line")
                    for eco in Set(rows.map { $0["ecosystem"]! }) where eco != "all" {
                        let whole = try #require(rows.first { $0["ecosystem"] == eco && $0["redline"] == "all" })
                        let parts = rows.filter { $0["ecosystem"] == eco && $0["redline"] != "all" }.map { figure($0, column) }.reduce(0, +)
                        #expect(parts == figure(whole, column), "\(level) \(unit["unit_id"]!) \(eco) \(column)")
                    }
                }
            }
        }
    }

    /// A row's figure as an exact decimal; an empty flux cell (allowed only where no pixel has
    /// NEP) adds nothing to a sum.
    func figure(_ row: [String: String], _ column: String) -> Decimal {
        if row[column] == "" && ["npp_tc", "rh_tc", "nep_tc", "nep_tco2e"].contains(column) && row["pixels_nep"] == "0" { return 0 }
        if column == "lc_missing_ha" && row["ecosystem"] != "all" { return 0 }
        return dec(row[column])
    }

    @Test func nepIsNppMinusRhToTheLastDigitInEveryRow() throws {
        let csv = try ZonalCSV(path: run.out + "/zonal.csv")
        #expect(csv.rows.count > 100)
        for row in csv.rows {
            let key = "\(row["level"]!) \(row["unit_id"]!) \(row["ecosystem"]!) \(row["redline"]!)"
            if row["npp_tc"] == "" {
                // Missing, not zero: all flux cells empty, and no pixel with NEP.
                #expect(row["rh_tc"] == "" && row["nep_tc"] == "" && row["nep_tco2e"] == "" && row["pixels_nep"] == "0", "\(key)")
            } else {
                #expect(dec(row["nep_tc"]) == dec(row["npp_tc"]) - dec(row["rh_tc"]), "\(key): nep ≠ npp − rh")
                #expect(Int(row["pixels_nep"]!)! <= Int(row["pixels"]!)!)
            }
        }
    }

    @Test func everyLevelSumsToTheSameSceneTotal() throws {
        let csv = try ZonalCSV(path: run.out + "/zonal.csv")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.out + "/summary.json"))) as! [String: Any]
        let totals = summary["totals"] as! [String: Any]
        for column in Self.totals {
            let perLevel = ["township", "county", "city"].map { level in
                csv.rows(level: level, ecosystem: "all", redline: "all").map { dec($0[column]) }.reduce(0, +)
            }
            #expect(perLevel[0] == perLevel[1] && perLevel[1] == perLevel[2], "\(column): \(perLevel)")
            let fromSummary = (totals[column] as! NSNumber).doubleValue
            let fromCSV = NSDecimalNumber(decimal: perLevel[0]).doubleValue
            #expect(abs(fromSummary - fromCSV) <= 1e-12 * max(1, abs(fromCSV)))
        }
    }

    @Test func summaryAccountsForEveryPixel() throws {
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.out + "/summary.json"))) as! [String: Any]
        let grid = summary["grid"] as! [String: Any]
        let totals = summary["totals"] as! [String: Any]
        let left = summary["left_out"] as! [String: Any]
        let int = { (x: Any?) in (x as! NSNumber).intValue }
        // With exact coverage a boundary pixel counts once in each unit it touches, so the
        // units' pixels add up to more than the pixels they hold; the area adds up exactly
        // (ExactCoverageTests), and with centre coverage the pixels do (CentreCoverageTests).
        let accounted = int(totals["pixels"]) + int(left["outside_zones"]) + int(left["landcover_nodata"]) + int(left["unknown_code_pixels"])
        #expect(accounted >= int(grid["pixels"]))
        let csv = try ZonalCSV(path: run.out + "/zonal.csv")
        let towns = csv.rows(level: "township", ecosystem: "all", redline: "all").count
        #expect(accounted - int(grid["pixels"]) < towns * 2 * (512 + 384))  // at most the boundary pixels
        let unknown = left["unknown_codes"] as! [[String: Any]]
        #expect(unknown.count == 1 && int(unknown[0]["code"]) == 99 && int(unknown[0]["pixels"]) == 30)
        #expect(int(left["landcover_nodata"]) == 65)
        let inputs = summary["inputs"] as! [[String: Any]]
        #expect(inputs.count == 20)  // land cover, 12 NDVI, 3 climate, CHM, table, zones, red line
        #expect(inputs.allSatisfy { ($0["sha256"] as! String).count == 64 })
        #expect((summary["software"] as! [String: Any])["version"] != nil)
        #expect((summary["timings_seconds"] as! [String: Any])["total"] != nil)
    }

    @Test func summaryRecordsProvenance() throws {
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.out + "/summary.json"))) as! [String: Any]
        let runInfo = summary["run"] as! [String: Any]
        let command = runInfo["command_line"] as! [String]
        #expect(command.dropFirst().prefix(2) == ["run", Repo.demoScene])
        for key in ["started_utc", "finished_utc"] {
            #expect((runInfo[key] as! String).range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)
        }
        #expect(((summary["software"] as! [String: Any])["build"] as! String).isEmpty == false)
        #expect(summary["months"] as! [String] == (1...12).map { String(format: "2023-%02d", $0) })
        // Land cover, 12 × (NDVI, temperature, precipitation, radiation), CHM: each band with its file's checksum.
        let bands = summary["bands"] as! [[String: Any]]
        #expect(bands.count == 50)
        let july = bands.filter { $0["month"] as? String == "2023-07" }.map { $0["role"] as! String }
        #expect(july.sorted() == ["ndvi", "precipitation", "radiation", "temperature"])
        let temperature = bands.filter { $0["role"] as? String == "temperature" }
        #expect(temperature.map { ($0["band"] as! NSNumber).intValue } == Array(1...12))
        #expect(Set(temperature.map { $0["sha256"] as! String }).count == 1)  // one file, 12 bands
        #expect(bands.allSatisfy { ($0["sha256"] as? String)?.count == 64 })
        // Every output file but the summary, with a checksum that matches the file.
        let outputs = summary["outputs"] as! [[String: Any]]
        #expect(outputs.map { $0["file"] as! String } == ["npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif",
                                                         "npp.qml", "rh.qml", "nep.qml", "agb.qml", "carbon.qml", "zonal.csv", "onemap.gpkg", "stac.json"])
        for file in ["zonal.csv", "nep.qml", "stac.json"] {
            let entry = try #require(outputs.first { $0["file"] as? String == file })
            let sha = try runProcess("/usr/bin/sha256sum", [run.out + "/" + file]).stdout.prefix(64)
            #expect(entry["sha256"] as? String == String(sha), "\(file)")
        }
    }

    @Test func onemapHasOneLayerPerLevelWithTheTotals() throws {
        let gpkg = run.out + "/onemap.gpkg"
        let ds = try VectorDataset(path: gpkg)
        #expect(ds.layerNames == ["township", "county", "city", "onemap_splits"])
        // The splits table holds every row of zonal.csv, keyed by level, unit, ecosystem, red line.
        let all = try ZonalCSV(path: run.out + "/zonal.csv")
        let splits = try ds.layer("onemap_splits").features(fields: ["level", "unit_id", "ecosystem", "redline", "pixels", "pixels_nep", "nep_tc"])
        #expect(splits.count == all.rows.count)
        for (f, row) in zip(splits, all.rows) {
            #expect(f.fields["level"] == row["level"] && f.fields["unit_id"] == row["unit_id"] && f.fields["ecosystem"] == row["ecosystem"]
                    && f.fields["redline"] == row["redline"] && f.fields["pixels"] == row["pixels"] && f.fields["pixels_nep"] == row["pixels_nep"])
            if row["nep_tc"] == "" { #expect(f.fields["nep_tc"] == "", "NULL where the CSV is empty") }
        }
        let csv = try ZonalCSV(path: run.out + "/zonal.csv")
        for level in ["township", "county", "city"] {
            let features = try ds.layer(level).features(fields: ["level", "unit_id", "pixels", "npp_tc"])
            #expect(features.allSatisfy { $0.fields["level"] == level })
            let expected = csv.rows(level: level, ecosystem: "all", redline: "all")
            #expect(features.count == expected.count)
            for f in features {
                let row = try #require(expected.first { $0["unit_id"] == f.fields["unit_id"] })
                #expect(f.fields["pixels"] == row["pixels"])
                #expect(abs(Double(f.fields["npp_tc"]!)! - Double(row["npp_tc"]!)!) <= 1e-9 * abs(Double(row["npp_tc"]!)!))
                #expect(f.geometry != nil)
            }
        }
        // Dissolved county outlines cover their townships: areas add up.
        let towns = try ds.layer("township").features(fields: ["parent_id"])
        let counties = try ds.layer("county").features(fields: ["unit_id"])
        for c in counties {
            let parts = towns.filter { $0.fields["parent_id"] == c.fields["unit_id"] }.map { $0.geometry!.area }.reduce(0, +)
            #expect(abs(parts - c.geometry!.area) <= 1e-6 * parts)
        }
    }
}
