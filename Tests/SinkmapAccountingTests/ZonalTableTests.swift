import Foundation
import GDALKit
import SinkmapKernels
import SinkmapScene
import Testing
import SinkmapAccounting

/// Roll-up through the levels and the rows of `zonal.csv`, on a hand-made hierarchy with
/// pixels whose totals are known exactly.
@Suite struct ZonalTableTests {
    /// Towns T1, T2 in county C1, T3 in C2 (T3 gets no pixel).
    func hierarchy() throws -> ZoneHierarchy {
        let rows = [("T1", "C1"), ("T2", "C1"), ("T3", "C2")]
        let features = rows.enumerated().map { i, r in
            VectorFeature(fid: Int64(i), fields: ["town": r.0, "town_name": "Town \(r.0)", "county": r.1])
        }
        return try ZoneHierarchy.build(features: features, levels: [ZoneLevel(name: "township", idField: "town", labelField: "town_name"),
                                                                    ZoneLevel(name: "county", idField: "county")], source: "test")
    }

    /// Pixels of 1 m² (row area 1): (unit index, class, red line, npp). Class 0 is forest
    /// (ecosystem index 0), class 1 grassland (index 2); rh = npp / 2, nep = npp / 2, carbon = 10.
    func accumulator(_ pixels: [(Int, Int32, UInt8, Float)], units: Int) -> ZonalAccumulator {
        var acc = ZonalAccumulator(layout: SlotLayout(units: units))
        let k = pixels.map(\.1), z = pixels.map { UInt32($0.0 + 1) }, red = pixels.map { $0.2 == 0 ? 0 : CoverageWeight.one }
        let npp = pixels.map(\.3), half = pixels.map { $0.3 / 2 }, carbon = [Float](repeating: 10, count: pixels.count)
        let eco: [Int32] = [0, 2], area = [1.0]
        acc.add(width: pixels.count, rows: 1, row0: 0, rowArea: area, classIndex: k, classEcosystem: eco, zone: z, redline: red,
                npp: npp, rh: half, carbon: carbon)
        return acc
    }

    @Test func rollUpAddsTownsIntoCounties() throws {
        let h = try hierarchy()
        let acc = accumulator([(0, 0, 1, 100), (0, 1, 0, 50), (1, 0, 0, 20)], units: 3)
        let rolled = ZonalTable.rollUp(acc, hierarchy: h)
        #expect(rolled.count == 2 && rolled[0].count == 3 && rolled[1].count == 2)
        let layout = acc.layout
        let forestIn = layout.partIndex(ecosystem: 0, inRedline: true), forestOut = layout.partIndex(ecosystem: 0, inRedline: false)
        let grassOut = layout.partIndex(ecosystem: 2, inRedline: false)
        #expect(rolled[1][0][forestIn].npp == 100_000_000)   // 100 gC in micro-units, T1
        #expect(rolled[1][0][forestOut].npp == 20_000_000)   // T2
        #expect(rolled[1][0][grassOut].pixels == 1)
        #expect(rolled[1][1].allSatisfy { $0.isEmpty })          // C2 holds only T3, which has no pixel
        let total = ZonalTable.sceneTotal(rolled)
        #expect(total.pixels == 3 && total.npp == 170_000_000 && total.area == 3_000_000 && total.carbon == 30_000_000)
    }

    @Test func rowsListEveryUnitAndOnlyTheSplitsWherePixelsFall() throws {
        let h = try hierarchy()
        let acc = accumulator([(0, 0, 1, 100), (0, 1, 0, 50), (1, 0, 0, 20)], units: 3)
        let rows = ZonalTable.rows(acc, hierarchy: h, hasRedline: true)
        func keys(_ level: String, _ unit: String) -> [String] {
            rows.filter { $0.level == level && $0.unit.id == unit }.map { "\($0.ecosystem)/\($0.redline)" }
        }
        #expect(keys("township", "T1") == ["all/all", "all/inside", "all/outside", "forest/all", "forest/inside",
                                           "grassland/all", "grassland/outside"])
        #expect(keys("township", "T3") == ["all/all"])
        #expect(keys("county", "C1") == ["all/all", "all/inside", "all/outside", "forest/all", "forest/inside", "forest/outside",
                                         "grassland/all", "grassland/outside"])
        let t3 = try #require(rows.first { $0.unit.id == "T3" })
        #expect(t3.totals.isEmpty && t3.unit.name == "Town T3" && t3.unit.parentID == "C2")
        // Without a red line only the `all` red-line rows appear.
        #expect(ZonalTable.rows(acc, hierarchy: h, hasRedline: false).allSatisfy { $0.redline == "all" })

        let csv = ZonalTable.csv(rows).split(separator: "\n").map(String.init)
        #expect(csv[0] == ZonalTable.header.joined(separator: ","))
        // T1 all/all: 2 px (both with fluxes), 2 m² (none without land cover) = 0.0002 ha, NPP 150 gC = 0.00015 tC, Rh = NEP = 0.000075 tC,
        // carbon 2 × 10 Mg C/ha × 1 m² = 0.002 tC; CO₂e × 44/12.
        let fields = csv[1].split(separator: ",").map(String.init)
        #expect(fields.prefix(14).joined(separator: ",") == "township,T1,Town T1,C1,all,all,2,2,0.0002,0,0.00015,0.000075,0.000075,0.002")
        #expect(abs(Double(fields[14])! - 0.000275) < 1e-18 && abs(Double(fields[15])! - 0.002 * 44 / 12) < 1e-17)
        // T3 has no pixel: its fluxes are missing (empty), its area and carbon 0.
        let t3Line = try #require(csv.first { $0.hasPrefix("township,T3,") })
        #expect(t3Line == "township,T3,Town T3,C2,all,all,0,0,0,0,,,,0,,0")
    }

    @Test func namesWithCommasAndQuotesAreQuoted() {
        #expect(ZonalTable.quote("plain") == "plain")
        #expect(ZonalTable.quote("a,b") == "\"a,b\"")
        #expect(ZonalTable.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    /// A unit whose area is more than 1 % without valid land cover is named in a warning; the
    /// missing part is in lc_missing_ha and outside every ecosystem row.
    @Test func unitsWithoutLandCoverAreCountedAndNamed() throws {
        let h = try hierarchy()
        // T1: one valid pixel and one without land cover; T2: one valid pixel.
        let acc = accumulator([(0, 0, 0, 100), (0, -1, 0, .nan), (1, 1, 0, 50)], units: 3)
        let rows = ZonalTable.rows(acc, hierarchy: h, hasRedline: false)
        let t1 = try #require(rows.first { $0.unit.id == "T1" && $0.ecosystem == "all" })
        #expect(t1.totals.area == 2_000_000 && t1.lcMissingArea == 1_000_000 && t1.totals.pixels == 1)
        let forest = try #require(rows.first { $0.unit.id == "T1" && $0.ecosystem == "forest" })
        #expect(forest.totals.area == 1_000_000 && forest.lcMissingArea == 0)
        let warnings = Warnings.of(acc.leftOut, rolled: ZonalTable.rollUp(acc, hierarchy: h), hierarchy: h)
        #expect(warnings.contains { $0.contains("without valid land cover") && $0.contains("T1") && !$0.contains("T2") }, "\(warnings)")
    }
}
