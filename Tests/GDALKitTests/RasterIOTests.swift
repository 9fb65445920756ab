import Foundation
import GDALKit
import Testing
import TestSupport

@Suite struct RasterIOTests {
    @Test func readAppliesScaleOffsetAndNodata() throws {
        let dir = TempDir("io")
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 500000, originY: 3300000, pixel: 30, width: 5, height: 4)
        let raw: [Float] = (0..<20).map { Float($0 * 100) }
        var withNodata = raw
        withNodata[7] = -32768
        try Fixtures.raster(dir.file("a.tif"), grid: grid, bands: [withNodata], type: .int16, nodata: -32768, scale: 0.0001)
        let ds = try Dataset(path: dir.file("a.tif"))
        let info = try ds.bandInfo(1)
        #expect(info.type == .int16 && info.nodata == -32768 && info.scale == 0.0001)
        var buf = [Float](repeating: 0, count: 20)
        try buf.withUnsafeMutableBufferPointer {
            try ds.read(band: 1, window: grid.window, scale: info.scale, offset: info.offset, nodata: info.nodata, into: $0.baseAddress!)
        }
        for i in 0..<20 where i != 7 { #expect(buf[i] == Float(raw[i]) * Float(0.0001)) }
        #expect(buf[7].isNaN)

        // A window that extends past the raster is NaN outside.
        var edge = [Float](repeating: 0, count: 9)
        try edge.withUnsafeMutableBufferPointer {
            try ds.read(band: 1, window: Window(col: 3, row: 2, width: 3, height: 3), nodata: nil, into: $0.baseAddress!)
        }
        #expect(edge[0] == 1300 && edge[1] == 1400 && edge[2].isNaN && edge[6].isNaN)
    }

    @Test func missingBandAndFileNameTheFileAndGDALsMessage() throws {
        let dir = TempDir("io")
        let grid = try Fixtures.grid(crs: "EPSG:4326", originX: 120, originY: 30, pixel: 0.1, width: 3, height: 3)
        try Fixtures.raster(dir.file("b.tif"), grid: grid, bands: [[Float](repeating: 1, count: 9)])
        let ds = try Dataset(path: dir.file("b.tif"))
        #expect(throws: GDALError.self) { try ds.bandInfo(2) }
        do {
            _ = try Dataset(path: dir.file("missing.tif"))
            Issue.record("opening a missing file must fail")
        } catch let e as GDALError {
            #expect(e.path.hasSuffix("missing.tif"))
            #expect(e.message.contains("No such file"))
        }
    }

    @Test func writesCloudOptimizedGeoTIFFWithOverviewsAndNodata() throws {
        let dir = TempDir("cog")
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 500000, originY: 3300000, pixel: 30, width: 600, height: 520)
        var values = [Float](repeating: 0, count: grid.pixelCount)
        for i in values.indices { values[i] = Float(i % 977) }
        values[0] = -9999
        try Fixtures.raster(dir.file("src.tif"), grid: grid, bands: [values], nodata: -9999)
        try COG.write(from: try Dataset(path: dir.file("src.tif")), to: dir.file("cog.tif"))
        let cog = try Dataset(path: dir.file("cog.tif"))
        let g = try cog.grid()
        #expect(g.transform == grid.transform && g.width == grid.width && g.height == grid.height)
        #expect(try SpatialReference(definition: g.crsWKT).isSame(as: try SpatialReference(definition: grid.crsWKT)))
        #expect(try cog.bandInfo(1).nodata == -9999)
        #expect(try cog.bandInfo(1).blockWidth == 512)
        let r = try runProcess("/usr/bin/gdalinfo", [dir.file("cog.tif")])
        #expect(r.stdout.contains("LAYOUT=COG"))
        #expect(r.stdout.contains("Overviews:"))
        #expect(r.stdout.contains("COMPRESSION=DEFLATE"))
    }
}

@Suite struct AlignmentTests {
    /// A 12-band climate-like raster in EPSG:4326 at 0.01°, coarser than a 30 m UTM grid.
    func coarseSource(_ dir: TempDir) throws -> String {
        let src = try Fixtures.grid(crs: "EPSG:4326", originX: 121.40, originY: 30.10, pixel: 0.01, width: 80, height: 70)
        let bands: [[Float]] = (0..<3).map { b in
            (0..<src.pixelCount).map { i in Float(b * 100) + Float(i % 30) * 0.7 + Float(i / 30) * 1.3 }
        }
        var b0 = bands[0]
        b0[40] = -9999
        b0[3 * 80 + 20] = -9999
        try Fixtures.raster(dir.file("clim.tif"), grid: src, bands: [b0, bands[1], bands[2]], nodata: -9999)
        return dir.file("clim.tif")
    }

    /// 600 × 520 pixels of 10 m (several 256-pixel warp blocks each way) inside the source, EPSG:32651.
    func target() throws -> Grid {
        try Fixtures.grid(crs: "EPSG:32651", originX: 346000, originY: 3330000, pixel: 10, width: 600, height: 520)
    }

    func readAll(_ a: AlignedRaster, tile: Int) throws -> [Float] {
        let ds = try a.open()
        let g = a.grid
        var out = [Float](repeating: -1, count: g.pixelCount)
        var buf = [Float](repeating: 0, count: tile * tile)
        for w in g.window.subdivide(tileWidth: tile, tileHeight: tile) {
            try buf.withUnsafeMutableBufferPointer { try a.read(w, from: ds, into: $0.baseAddress!) }
            for r in 0..<w.height {
                for c in 0..<w.width { out[(w.row + r) * g.width + w.col + c] = buf[r * w.width + c] }
            }
        }
        return out
    }

    func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test func coarserContinuousInputIsBilinearAndWindowIndependent() throws {
        let dir = TempDir("warp")
        let path = try coarseSource(dir)
        let grid = try target()
        let a = try AlignedRaster.make(path: path, band: 2, kind: .continuous, grid: grid)
        guard case .warped(_, let r) = a.source else { Issue.record("expected a warped VRT"); return }
        #expect(r == .bilinear)
        let whole = try readAll(a, tile: max(grid.width, grid.height))
        #expect(whole.allSatisfy { !$0.isNaN && $0 >= 100 && $0 < 250 })
        for tile in [7, 100, 300] {
            #expect(sameBits(try readAll(a, tile: tile), whole), "tile \(tile) differs from the whole-grid read")
        }
    }

    @Test func finerInputIsAveragedAndWindowIndependent() throws {
        let dir = TempDir("warp")
        // 3 m source on a 10 m grid, same CRS but offset by 1.5 m (not on the lattice).
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 345998.5, originY: 3330001.5, pixel: 3, width: 2010, height: 1740)
        var v = [Float](repeating: 0, count: src.pixelCount)
        var rng = SeededGenerator(seed: 7)
        for i in v.indices { v[i] = Float.random(in: 0...30, using: &rng) }
        try Fixtures.raster(dir.file("chm.tif"), grid: src, bands: [v], nodata: -9999)
        let grid = try target()
        let a = try AlignedRaster.make(path: dir.file("chm.tif"), band: 1, kind: .continuous, grid: grid)
        guard case .warped(_, let r) = a.source else { Issue.record("expected a warped VRT"); return }
        #expect(r == .average)
        let whole = try readAll(a, tile: 600)
        #expect(whole.allSatisfy { !$0.isNaN })
        for tile in [37, 100, 300] { #expect(sameBits(try readAll(a, tile: tile), whole)) }
    }

    @Test func categoricalInputIsNearestOrMode() throws {
        let dir = TempDir("warp")
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 345997, originY: 3330003, pixel: 3, width: 2010, height: 1740)
        let codes: [Float] = (0..<src.pixelCount).map { Float(1 + ($0 / 7) % 5) }
        try Fixtures.raster(dir.file("lc.tif"), grid: src, bands: [codes], type: .byte, nodata: 0)
        let fine = try AlignedRaster.make(path: dir.file("lc.tif"), band: 1, kind: .categorical, grid: try target())
        guard case .warped(_, let r) = fine.source else { Issue.record("expected a warped VRT"); return }
        #expect(r == .mode)
        let values = try readAll(fine, tile: 600)
        #expect(values.allSatisfy { $0 == $0.rounded() && (1...5).contains($0) })
        #expect(sameBits(try readAll(fine, tile: 100), values))
        #expect(sameBits(try readAll(fine, tile: 300), values))
        let up = try AlignedRaster.make(path: dir.file("lc.tif"), band: 1, kind: .categorical,
                                        grid: Grid(crsWKT: src.crsWKT, transform: GeoTransform(originX: 346001, pixelWidth: 2, originY: 3329999, pixelHeight: -2), width: 100, height: 100))
        guard case .warped(_, let r2) = up.source else { Issue.record("expected a warped VRT"); return }
        #expect(r2 == .nearest)
    }

    @Test func inputOnTheGridIsReadDirectly() throws {
        let dir = TempDir("warp")
        let grid = try target()
        let bigger = try Fixtures.grid(crs: "EPSG:32651", originX: 346000 - 100, originY: 3330000 + 200, pixel: 10, width: 640, height: 560)
        let v: [Float] = (0..<bigger.pixelCount).map { Float($0) }
        try Fixtures.raster(dir.file("n.tif"), grid: bigger, bands: [v])
        let a = try AlignedRaster.make(path: dir.file("n.tif"), band: 1, kind: .continuous, grid: grid)
        #expect(a.source == .direct(colOffset: 10, rowOffset: 20))
        let all = try readAll(a, tile: 50)
        #expect(all[0] == Float(20 * 640 + 10))
    }

    @Test func nonOverlappingInputIsRefused() throws {
        let dir = TempDir("warp")
        let far = try Fixtures.grid(crs: "EPSG:4326", originX: 10, originY: 50, pixel: 0.01, width: 10, height: 10)
        try Fixtures.raster(dir.file("far.tif"), grid: far, bands: [[Float](repeating: 1, count: 100)])
        #expect(throws: GDALError.self) {
            _ = try AlignedRaster.make(path: dir.file("far.tif"), band: 1, kind: .continuous, grid: try target())
        }
    }
}
