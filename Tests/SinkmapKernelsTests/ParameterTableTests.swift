import Foundation
import Testing
@testable import SinkmapKernels

@Suite struct ParameterTableTests {
    static let header = "code,name,ecosystem,eps_max,ndvi_min,ndvi_max,agb_a,agb_b,root_shoot,c_above,c_below,c_soil,c_dead"

    func parse(_ rows: String, header: String = Self.header) throws(ParameterTableError) -> ParameterTable {
        try ParameterTable(csv: header + "\n" + rows, source: "t.csv")
    }

    func error(_ rows: String, header: String = Self.header) -> ParameterTableError? {
        do { _ = try parse(rows, header: header); return nil } catch { return error }
    }

    @Test func parsesGoodTable() throws {
        let table = try parse("""
            4,Deciduous broadleaf,forest,0.692,0.023,0.747,14.574468,0.952,0.24,60,14,90,5
            10, "Grass, tall" ,Grassland,0.542,0.023,0.634,,,4,1.3,5.1,88,0\r
            """)
        #expect(table.classes.count == 2)
        #expect(table.classes[0] == WorkedExample.forest.with(name: "Deciduous broadleaf"))
        #expect(table.classes[1].name == "Grass, tall")
        #expect(table.classes[1].ecosystem == .grassland)
        #expect(table.classes[1].agbA == nil && table.classes[1].agbB == nil)
        #expect(table.index(ofCode: 10) == 1)
    }

    @Test func columnOrderIsFreeAndExtraColumnsAreIgnored() throws {
        let table = try parse("x,5,0,90,14,60,0.24,0.952,14.574468,0.747,0.023,0.692,forest,DBF,4",
                              header: "source,c_dead,c_soil_extra,c_soil,c_below,c_above,root_shoot,agb_b,agb_a,ndvi_max,ndvi_min,eps_max,ecosystem,name,code")
        #expect(table.classes[0].cSoil == 90 && table.classes[0].code == 4 && table.classes[0].agbA == 14.574468)
    }

    @Test func missingColumnIsNamed() {
        let e = error("4,DBF,forest,0.692,0.023,0.747,,,0.24,60,14,90", header: Self.header.replacingOccurrences(of: ",c_dead", with: ""))
        #expect(e?.column == "c_dead")
        #expect(e?.description.hasPrefix("t.csv line 1, column c_dead: missing required column") == true)
    }

    @Test func badNumberNamesLineAndColumn() {
        let e = error("4,DBF,forest,0.692,0.023,0.747,,,0.24,60,14,90,5\n5,Mixed,forest,abc,0.023,0.7,,,0.24,60,14,90,5")
        #expect(e?.description == "t.csv line 3, column eps_max: \"abc\" is not a number")
    }

    @Test(arguments: [
        ("4,DBF,forest,0.692,0.023,0.747,,,0.24,60,14,90,5\n4,X,forest,0.692,0.023,0.747,,,0.24,60,14,90,5", "code", "duplicate code 4"),
        ("4,DBF,jungle,0.692,0.023,0.747,,,0.24,60,14,90,5", "ecosystem", "unknown ecosystem"),
        ("4,DBF,forest,0.692,0.747,0.747,,,0.24,60,14,90,5", "ndvi_min", "must be less than ndvi_max"),
        ("4,DBF,forest,0.692,0.023,1.0,,,0.24,60,14,90,5", "ndvi_max", "less than 1"),
        ("4,DBF,forest,0.692,0.023,0.747,14,,0.24,60,14,90,5", "agb_b", "both"),
        ("4,DBF,forest,0.692,0.023,0.747,14,0,0.24,60,14,90,5", "agb_b", "positive"),
        ("4,DBF,forest,-1,0.023,0.747,,,0.24,60,14,90,5", "eps_max", "negative"),
        ("4,DBF,forest,0.692,0.023,0.747,,,0.24,60,14,,5", "c_soil", "empty"),
        ("4.5,DBF,forest,0.692,0.023,0.747,,,0.24,60,14,90,5", "code", "not an integer"),
        ("4,DBF,forest,nan,0.023,0.747,,,0.24,60,14,90,5", "eps_max", "not a number"),
        ("4,DBF,forest,0,0.023,0.747,,,0.24,60,14,90,5", "eps_max", "outside (0, 5]"),
        ("4,DBF,forest,6.5,0.023,0.747,,,0.24,60,14,90,5", "eps_max", "outside (0, 5]"),
    ])
    func invalidRowsAreRefused(row: String, column: String, message: String) {
        let e = error(row)
        #expect(e?.column == column)
        #expect(e?.message.contains(message) == true, "\(String(describing: e))")
    }

    @Test func methodColumnChoosesCasaOrNoFlux() throws {
        let header = Self.header + ",method"
        let t = try ParameterTable(csv: header + "\n4,DBF,forest,0.692,0.023,0.747,,,0.24,60,14,90,5,\n17,Water,water,0,0.023,0.634,,,0,0,0,0,0,none\n12,Crop,farmland,0.542,0.023,0.634,,,0.4,6,2,70,0,CASA",
                                   source: "m.csv")
        #expect(t.classes.map(\.method) == [.casa, .none, .casa])
        let bad = try? ParameterTable(csv: header + "\n17,Water,water,0,0.023,0.634,,,0,0,0,0,0,coefficient", source: "m.csv")
        #expect(bad == nil)
        do {
            _ = try ParameterTable(csv: header + "\n17,Water,water,0,0.023,0.634,,,0,0,0,0,0,coefficient", source: "m.csv")
        } catch {
            #expect(error.column == "method" && error.message.contains("unknown method"))
        }
    }

    @Test func wrongFieldCountAndEmptyTable() {
        #expect(error("4,DBF,forest,0.692")?.description.contains("line 2") == true)
        #expect(error("")?.message.contains("no class rows") == true)
        #expect((try? ParameterTable(csv: "", source: "e.csv")) == nil)
        #expect(error("4,\"DBF,forest")?.message.contains("unterminated") == true)
    }

    @Test func shippedDefaultTableParses() throws {
        let url = repositoryFile("parameters/default_classes.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let table = try ParameterTable(csv: text, source: url.path)
        #expect(table.classes.map(\.code) == Array(1...17))
        #expect(table.classes[3].epsMax == 0.692 && table.classes[3].ndviMax == 0.747)
        #expect(Set(table.classes.map(\.ecosystem)) == Set(Ecosystem.allCases))
        // Every row's pools are internally consistent: c_below = c_above × root_shoot to the rounding of the file.
        for c in table.classes where c.cAbove > 0 {
            #expect(abs(c.cBelow - c.cAbove * c.rootShoot) <= 0.051 + 0.05 * c.rootShoot, "code \(c.code)")  // c_above is itself rounded to 0.1
        }
        _ = PreparedClasses(table: table, options: ModelOptions())
        // Lidar allometry (representative, see SOURCES.md): forests and woody savanna; at the class's
        // reference canopy height it gives the same AGB as the table path (c_above / 0.47).
        let referenceHeight: [Int: Double] = [1: 20, 2: 25, 3: 15, 4: 20, 5: 20, 8: 8]
        #expect(Set(table.classes.filter(\.hasAllometry).map(\.code)) == Set(referenceHeight.keys))
        for c in table.classes where c.hasAllometry {
            let h = try #require(referenceHeight[c.code])
            let lidar = ScalarReference.carbonStock(c, canopyHeight: h, carbonFraction: 0.47)
            let pools = ScalarReference.carbonStock(c, canopyHeight: nil, carbonFraction: 0.47)
            #expect(isClose(lidar.agb, pools.agb, rel: 1e-4), "code \(c.code): \(lidar.agb) vs \(pools.agb)")
        }
        // The demo scene's table is a byte-identical copy.
        #expect(try Data(contentsOf: repositoryFile("testdata/demo/classes.csv")) == Data(contentsOf: url))
    }
}

extension ClassParameters {
    func with(name: String) -> ClassParameters { var c = self; c.name = name; return c }
}
