import GDALKit
import Testing

@Suite struct WindowTests {
    @Test func intersection() {
        let a = Window(col: 0, row: 0, width: 10, height: 10)
        #expect(a.intersection(Window(col: 5, row: 8, width: 10, height: 10)) == Window(col: 5, row: 8, width: 5, height: 2))
        #expect(a.intersection(Window(col: 10, row: 0, width: 3, height: 3)) == nil)
        #expect(a.intersection(a) == a)
    }

    @Test(arguments: [(1, 1), (3, 7), (16, 16), (100, 3), (37, 64)])
    func subdivideCoversEachPixelOnce(tile: (Int, Int)) {
        let w = Window(col: 3, row: 5, width: 53, height: 41)
        let tiles = w.subdivide(tileWidth: tile.0, tileHeight: tile.1)
        var hits = [Int](repeating: 0, count: w.pixelCount)
        for t in tiles {
            #expect(t.width <= tile.0 && t.height <= tile.1 && !t.isEmpty)
            for r in t.row..<t.rowEnd {
                for c in t.col..<t.colEnd { hits[(r - w.row) * w.width + (c - w.col)] += 1 }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }
}

@Suite struct GeoTransformTests {
    let t = GeoTransform(gdal: [440720, 30, 0, 3751320, 0, -30])

    @Test func gdalOrderRoundTrips() {
        #expect(t.gdal == [440720, 30, 0, 3751320, 0, -30])
        #expect(t.originX == 440720 && t.pixelWidth == 30 && t.originY == 3751320 && t.pixelHeight == -30)
        #expect(t.isNorthUp)
    }

    @Test func applyAndInvert() throws {
        let centre = t.apply(col: 0.5, row: 0.5)
        #expect(centre.x == 440735 && centre.y == 3751305)
        let inv = try #require(t.inverted())
        let back = inv.apply(col: centre.x, row: centre.y)
        #expect(abs(back.x - 0.5) < 1e-9 && abs(back.y - 0.5) < 1e-9)
        let rotated = GeoTransform(gdal: [10, 2, 0.5, 20, 0.25, -3])
        let p = rotated.apply(col: 7, row: 11)
        let q = try #require(rotated.inverted()).apply(col: p.x, row: p.y)
        #expect(abs(q.x - 7) < 1e-9 && abs(q.y - 11) < 1e-9)
    }

    @Test func offsetAndArea() {
        let o = t.offset(col: 10, row: 4)
        #expect(o.originX == 441020 && o.originY == 3751200 && o.pixelWidth == 30)
        #expect(t.cellArea == 900)
    }

    @Test func gridFromBounds() {
        let g = Grid(crsWKT: "", resolution: 30, bounds: (0, 0, 100, 61))
        #expect(g.width == 4 && g.height == 3)
        #expect(g.transform.originY == 61)
        let b = g.bounds()
        #expect(b.xmin == 0 && b.xmax == 120 && b.ymax == 61 && b.ymin == -29)
    }
}
