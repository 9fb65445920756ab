import Foundation
import GDALKit
import SinkmapGrid
import Testing
import TestSupport

/// Inputs brought onto a target grid: the resampling policy, direct reads on the lattice,
/// and warped reads that do not depend on the window asked.
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

    /// With the own resampler allowed (the default) a coarser continuous input goes through
    /// `BilinearSource`; with it disallowed, through GDAL's warper. Both are bilinear and
    /// window-independent (ResamplerAgreementTests checks that they agree).
    @Test(arguments: [false, true])
    func coarserContinuousInputIsBilinearAndWindowIndependent(ownResampler: Bool) throws {
        let dir = TempDir("warp")
        let path = try coarseSource(dir)
        let grid = try target()
        let a = try Aligner.align(path: path, band: 2, kind: .continuous, grid: grid, useOwnResampler: ownResampler)
        if ownResampler {
            #expect(a.source is BilinearSource, "expected the own resampler")
        } else {
            let r = try #require(a.source as? WarpedVRTSource, "expected a warped VRT").resampling
            #expect(r == .bilinear)
        }
        let whole = try readAll(a, tile: max(grid.width, grid.height))
        #expect(whole.allSatisfy { !$0.isNaN && $0 >= 100 && $0 < 250 })
        for tile in [7, 100, 300] {
            #expect(sameBits(try readAll(a, tile: tile), whole), "tile \(tile) differs from the whole-grid read")
        }
    }

    /// With the own resamplers allowed a finer continuous input in the grid's CRS goes through
    /// `AverageSource`; with them disallowed, through GDAL's warper (AverageAgreementTests
    /// checks the own one against `gdalwarp -r average`).
    @Test(arguments: [false, true])
    func finerInputIsAveragedAndWindowIndependent(ownResampler: Bool) throws {
        let dir = TempDir("warp")
        // 3 m source on a 10 m grid, same CRS but offset by 1.5 m (not on the lattice).
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 345998.5, originY: 3330001.5, pixel: 3, width: 2010, height: 1740)
        var v = [Float](repeating: 0, count: src.pixelCount)
        var rng = SeededGenerator(seed: 7)
        for i in v.indices { v[i] = Float.random(in: 0...30, using: &rng) }
        try Fixtures.raster(dir.file("chm.tif"), grid: src, bands: [v], nodata: -9999)
        let grid = try target()
        let a = try Aligner.align(path: dir.file("chm.tif"), band: 1, kind: .continuous, grid: grid, useOwnResampler: ownResampler)
        if ownResampler {
            #expect(a.source is AverageSource, "expected the own average")
        } else {
            let r = try #require(a.source as? WarpedVRTSource, "expected a warped VRT").resampling
            #expect(r == .average)
        }
        let whole = try readAll(a, tile: 600)
        #expect(whole.allSatisfy { !$0.isNaN })
        for tile in [37, 100, 300] { #expect(sameBits(try readAll(a, tile: tile), whole)) }
    }

    @Test func categoricalInputIsNearestOrMode() throws {
        let dir = TempDir("warp")
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 345997, originY: 3330003, pixel: 3, width: 2010, height: 1740)
        let codes: [Float] = (0..<src.pixelCount).map { Float(1 + ($0 / 7) % 5) }
        try Fixtures.raster(dir.file("lc.tif"), grid: src, bands: [codes], type: .byte, nodata: 0)
        let fine = try Aligner.align(path: dir.file("lc.tif"), band: 1, kind: .categorical, grid: try target())
        let r = try #require(fine.source as? WarpedVRTSource, "expected a warped VRT").resampling
        #expect(r == .mode)
        let values = try readAll(fine, tile: 600)
        #expect(values.allSatisfy { $0 == $0.rounded() && (1...5).contains($0) })
        #expect(sameBits(try readAll(fine, tile: 100), values))
        #expect(sameBits(try readAll(fine, tile: 300), values))
        let up = try Aligner.align(path: dir.file("lc.tif"), band: 1, kind: .categorical,
                                        grid: Grid(crsWKT: src.crsWKT, transform: GeoTransform(originX: 346001, pixelWidth: 2, originY: 3329999, pixelHeight: -2), width: 100, height: 100))
        let r2 = try #require(up.source as? WarpedVRTSource, "expected a warped VRT").resampling
        #expect(r2 == .nearest)
    }

    @Test func inputOnTheGridIsReadDirectly() throws {
        let dir = TempDir("warp")
        let grid = try target()
        let bigger = try Fixtures.grid(crs: "EPSG:32651", originX: 346000 - 100, originY: 3330000 + 200, pixel: 10, width: 640, height: 560)
        let v: [Float] = (0..<bigger.pixelCount).map { Float($0) }
        try Fixtures.raster(dir.file("n.tif"), grid: bigger, bands: [v])
        let a = try Aligner.align(path: dir.file("n.tif"), band: 1, kind: .continuous, grid: grid)
        let direct = try #require(a.source as? DirectSource, "expected a direct read")
        #expect(direct.colOffset == 10 && direct.rowOffset == 20)
        let all = try readAll(a, tile: 50)
        #expect(all[0] == Float(20 * 640 + 10))
    }

    @Test func nonOverlappingInputIsRefused() throws {
        let dir = TempDir("warp")
        let far = try Fixtures.grid(crs: "EPSG:4326", originX: 10, originY: 50, pixel: 0.01, width: 10, height: 10)
        try Fixtures.raster(dir.file("far.tif"), grid: far, bands: [[Float](repeating: 1, count: 100)])
        #expect(throws: GDALError.self) {
            _ = try Aligner.align(path: dir.file("far.tif"), band: 1, kind: .continuous, grid: try target())
        }
    }
}
