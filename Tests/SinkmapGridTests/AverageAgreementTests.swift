import Foundation
import GDALKit
@testable import SinkmapGrid
import Testing
import TestSupport

/// sinkmap's own `average` (`AverageSource`) against `gdalwarp -r average -et 0` (one run over
/// the whole grid) for finer inputs in the grid's CRS: a 10 m CHM-like source half a pixel off
/// a 30 m grid whose east and south edges leave a 5 m sliver in the first column and row of a
/// 256-pixel block (where GDAL's warped VRT, block by block, gives nodata), a non-integer ratio
/// with Int16 nodata holes in one band and in both, NaN as nodata, NaN values in a band
/// without nodata (they spread, as in GDAL), and a source whose edges lie on the grid's. Nodata masks must be identical and valid pixels agree within 1e-6 relative;
/// results must not depend on the window read.
@Suite struct AverageAgreementTests {
    let bilinear = ResamplerAgreementTests()

    static func field(_ g: Grid, band: Int) -> [Float] { ResamplerAgreementTests.field(g, band: band) }

    static func sliverAtBlockEdges() throws -> ResamplerAgreementTests.Case {
        // The grid's column 256 starts at x = 367 680 and its row 256 at y = 3 312 320; the
        // source ends 5 m into both.
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 359805, originY: 3320095, pixel: 10, width: 788, height: 778)
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 360000, originY: 3320000, pixel: 30, width: 300, height: 300)
        var b = field(src, band: 0)
        for r in 300...306 { for c in 400...404 { b[r * src.width + c] = -9999 } }   // water
        b[100 * src.width + 100] = -9999
        for r in 0..<src.height { b[r * src.width + src.width - 1] = Float(r % 7) }  // the sliver's own values
        return .init(name: "10 m onto 30 m, slivers at block edges", source: src, bands: [b], nodata: -9999, target: target)
    }

    static func nonIntegerRatioWithHoles(nanNodata: Bool) throws -> ResamplerAgreementTests.Case {
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 360007.3, originY: 3320011.9, pixel: 12.5, width: 500, height: 420)
        // The source's south-east corner (x 366 257, y 3 314 762) lies inside the grid.
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 361000, originY: 3318000, pixel: 30, width: 240, height: 200)
        let nd: Float = nanNodata ? .nan : -32768
        var b = (0..<2).map { field(src, band: $0).map { nanNodata ? $0 : ($0 * 10).rounded() } }
        func hole(_ band: Int, _ r: Int, _ c: Int) { b[band][r * src.width + c] = nd }
        hole(0, 150, 200)                                                 // one band only
        hole(1, 130, 280)
        for r in 200...209 { for c in 170...178 { for band in 0..<2 { hole(band, r, c) } } }  // whole pixels of the grid
        for r in 250...251 { for c in 90...91 { hole(0, r, c) } }
        return .init(name: nanNodata ? "12.5 m onto 30 m, NaN nodata" : "12.5 m onto 30 m, Int16 nodata -32768", source: src,
                     bands: b, type: nanNodata ? .float32 : .int16, nodata: nanNodata ? .nan : -32768, target: target)
    }

    static func nanWithoutNodata() throws -> ResamplerAgreementTests.Case {
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 360003, originY: 3320002, pixel: 10, width: 400, height: 300)
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 360000, originY: 3320000, pixel: 30, width: 140, height: 110)
        var b = field(src, band: 2)
        b[50 * src.width + 60] = .nan
        for r in 120...125 { for c in 200...205 { b[r * src.width + c] = .nan } }
        return .init(name: "10 m onto 30 m, NaN values, no nodata", source: src, bands: [b], nodata: nil, target: target)
    }

    /// A 10 m source whose edges lie on the 30 m grid's pixel edges, two pixels inside it on
    /// every side: footprints that only touch the source's edges.
    static func edgesOnTheGrid() throws -> ResamplerAgreementTests.Case {
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 360060, originY: 3319940, pixel: 10, width: 300, height: 240)
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 360000, originY: 3320000, pixel: 30, width: 104, height: 84)
        var b = field(src, band: 1)
        for c in 0..<src.width { b[c] = -9999 }   // the first row nodata: the grid row beside it stays nodata
        return .init(name: "10 m onto 30 m, edges on the grid's", source: src, bands: [b], nodata: -9999, target: target)
    }

    @Test(arguments: ["sliver", "holes", "nan-holes", "nan-values", "aligned"])
    func agreesWithGDALWarp(_ which: String) throws {
        let c: ResamplerAgreementTests.Case
        switch which {
        case "sliver": c = try Self.sliverAtBlockEdges()
        case "holes": c = try Self.nonIntegerRatioWithHoles(nanNodata: false)
        case "nan-holes": c = try Self.nonIntegerRatioWithHoles(nanNodata: true)
        case "nan-values": c = try Self.nanWithoutNodata()
        default: c = try Self.edgesOnTheGrid()
        }
        let dir = TempDir("average")
        let (path, rasters) = try bilinear.aligned(c, in: dir)
        _ = try #require(rasters[0].source as? AverageSource, "\(c.name): expected the own average")
        let reference = try bilinear.gdalwarp(path, c.target, dir, method: "average")
        let whole = try bilinear.ours(rasters, tile: max(c.target.width, c.target.height))
        let g = c.target
        for k in whole.indices {
            let s = bilinear.compare(whole[k], reference[k])
            print("average agreement, \(c.name), band \(k + 1): \(s.valid) valid, \(s.nodata) nodata, mask differs in \(s.maskDiffers), worst relative \(s.worstRelative)")
            #expect(s.maskDiffers == 0, "\(c.name) band \(k + 1): nodata masks differ in \(s.maskDiffers) pixels")
            #expect(s.worstRelative <= 1e-6, "\(c.name) band \(k + 1): worst relative difference \(s.worstRelative)")
            #expect(s.valid > g.pixelCount / 3 && s.nodata > 0, "\(c.name): holes or edges must show")
        }
        if which == "sliver" {
            // The slivers are averaged (GDAL's whole-grid warp agrees, checked above); past them, nodata.
            let v = whole[0]
            #expect((0..<255).allSatisfy { !v[$0 * g.width + 256].isNaN }, "the 5 m sliver in column 256 is averaged")
            #expect((0..<255).allSatisfy { !v[256 * g.width + $0].isNaN }, "the 5 m sliver in row 256 is averaged")
            #expect((0..<g.height).allSatisfy { v[$0 * g.width + 257].isNaN } && v[257 * g.width].isNaN)
        }
        for tile in [256, 100, 37] {
            let tiled = try bilinear.ours(rasters, tile: tile)
            for k in whole.indices {
                #expect(zip(tiled[k], whole[k]).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(c.name): tile \(tile) differs")
            }
        }
    }

    /// A finer input in another CRS, or with the own resamplers disallowed, stays with GDAL's warper.
    @Test func otherCRSOrDisallowedStaysWithGDAL() throws {
        let dir = TempDir("average")
        let src = try Fixtures.grid(crs: "EPSG:32650", originX: 900000, originY: 3330000, pixel: 10, width: 300, height: 300)
        try Fixtures.raster(dir.file("chm50.tif"), grid: src, bands: [Self.field(src, band: 0)], nodata: -9999)
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 321500, originY: 3323800, pixel: 30, width: 60, height: 60)
        let other = try Aligner.align(path: dir.file("chm50.tif"), band: 1, kind: .continuous, grid: target, useOwnResampler: true)
        #expect(try #require(other.source as? WarpedVRTSource, "expected GDAL's warper").resampling == .average)
        let same = try Self.sliverAtBlockEdges()
        try Fixtures.raster(dir.file("chm.tif"), grid: same.source, bands: same.bands, nodata: -9999)
        let off = try Aligner.align(path: dir.file("chm.tif"), band: 1, kind: .continuous, grid: same.target, useOwnResampler: false)
        #expect(try #require(off.source as? WarpedVRTSource, "expected GDAL's warper").resampling == .average)
    }
}
