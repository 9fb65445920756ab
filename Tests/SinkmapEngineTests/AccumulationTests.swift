import Foundation
import GDALKit
import SinkmapEngine
import Testing
import TestSupport
import SinkmapAccounting
import SinkmapSchedule
import SinkmapZones

@Suite struct FixedPointTests {
    @Test func decimalTextIsExact() {
        #expect(FixedPoint.decimalText(0, decimals: 6) == "0")
        #expect(FixedPoint.decimalText(1, decimals: 6) == "0.000001")
        #expect(FixedPoint.decimalText(-1_500_000, decimals: 6) == "-1.5")
        #expect(FixedPoint.decimalText(123_456_789_012, decimals: 12) == "0.123456789012")
        #expect(FixedPoint.decimalText(7_000_000_000_000, decimals: 12) == "7")
        #expect(FixedPoint.decimalText(Int128(Int64.max) * 1000, decimals: 10) == "922337203685.4775807")
    }

    @Test func sumsDoNotDependOnOrder() {
        var rng = SeededGenerator(seed: 42)
        let values = (0..<10_000).map { _ in Double.random(in: -1e6...1e6, using: &rng) * Double.random(in: 0...1, using: &rng) }
        let forward = values.reduce(Int128(0)) { $0 + FixedPoint.quantize($1) }
        let backward = values.reversed().reduce(Int128(0)) { $0 + FixedPoint.quantize($1) }
        let shuffled = values.shuffled(using: &rng).reduce(Int128(0)) { $0 + FixedPoint.quantize($1) }
        #expect(forward == backward && backward == shuffled)
        // Plain Double sums in those orders generally differ; the fixed-point one is within rounding of each.
        let exactish = values.reduce(0, +)
        #expect(abs(FixedPoint.value(forward) - exactish) < 1e-6 * Double(values.count))
    }

    @Test func largeContributionsDoNotOverflow() {
        let big = 3.6e13  // gC of a 1° cell at 3 kgC/m²
        #expect(FixedPoint.value(FixedPoint.quantize(big)) == big)
        #expect(FixedPoint.quantize(-big) == -FixedPoint.quantize(big))
    }
}

@Suite struct PixelAreaTests {
    @Test func projectedGridHasTheCellArea() throws {
        let g = try Fixtures.grid(crs: "EPSG:32651", originX: 0, originY: 0, pixel: 30, width: 3, height: 5)
        let a = PixelArea(grid: g, isGeographic: false, semiMajor: 6378137, inverseFlattening: 298.257223563)
        #expect(a.rowArea == [Double](repeating: 900, count: 5))
    }

    @Test func wholeEllipsoidAreaIsRight() {
        // Sum of cells from pole to pole over 360° equals the WGS 84 ellipsoid's surface, 510 065 621.7 km².
        var total = 0.0
        for i in 0..<180 {
            let lat1 = Double(90 - i) * .pi / 180, lat2 = Double(89 - i) * .pi / 180
            total += PixelArea.ellipsoidalCell(lat1: lat1, lat2: lat2, dLambda: 2 * .pi, semiMajor: 6378137, inverseFlattening: 298.257223563)
        }
        #expect(abs(total / 1e6 - 510_065_621.7) < 0.5)
    }
}

@Suite struct TilingTests {
    @Test func defaultTileSizeFollowsSquareBlocksOnly() {
        func t(_ w: Int?, _ h: Int?) -> Int { Tiling.defaultTileSize(blockWidth: w, blockHeight: h) }
        #expect(t(256, 256) == 256 && t(128, 128) == 256 && t(512, 512) == 512 && t(200, 200) == 400 && t(1024, 1024) == 1024)
        #expect(t(nil, nil) == 256 && t(100_000, 100_000) == 256 && t(2048, 2048) == 256)
        // Strips (a striped land cover 2000 or 4000 px wide) do not make strip-wide tiles.
        #expect(t(2000, 1) == 256 && t(4000, 2) == 256 && t(512, 16) == 256)
    }

    @Test func threadsAreNoMoreThanCoresAndTiles() {
        #expect(RunPlan.threads(16, tileCount: 100, cores: 2) == 2)
        #expect(RunPlan.threads(2, tileCount: 1, cores: 8) == 1)
        #expect(RunPlan.threads(3, tileCount: 100, cores: 8) == 3)
    }

    @Test func tilesCoverEveryPixelOnce() throws {
        let g = try Fixtures.grid(crs: "EPSG:32651", originX: 0, originY: 0, pixel: 30, width: 1000, height: 700)
        let t = Tiling.tiles(of: g, tileSize: 512)
        #expect(t.count == 4)
        #expect(t[0] == Window(col: 0, row: 0, width: 512, height: 512))
        #expect(t[3] == Window(col: 512, row: 512, width: 488, height: 188))
        var hits = [UInt8](repeating: 0, count: g.pixelCount)
        for w in t {
            for r in w.row..<(w.row + w.height) { for c in w.col..<(w.col + w.width) { hits[r * g.width + c] += 1 } }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }
}
