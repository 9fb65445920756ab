import Foundation
import GDALKit
@testable import SinkmapGrid
import Testing
import TestSupport

/// sinkmap's own bilinear resampler (`BilinearSource`) against GDAL's `gdalwarp -r bilinear
/// -et 0` on real-shaped inputs: a geographic source onto UTM, UTM onto another UTM zone, a
/// source with nodata holes (per band and in every band), and source edges inside the grid.
/// Every pixel valid in both must agree within 1e-6 relative, and the nodata masks must be
/// identical; results must not depend on the window read.
@Suite struct ResamplerAgreementTests {
    struct Case {
        var name: String
        var source: Grid
        var bands: [[Float]]
        var type: PixelType = .float32
        var nodata: Double?
        var target: Grid
    }

    /// A smooth field with some texture, away from zero so relative differences mean something.
    static func field(_ g: Grid, band: Int) -> [Float] {
        (0..<g.pixelCount).map { i in
            let c = Double(i % g.width), r = Double(i / g.width)
            return Float(100 + 10 * Double(band) + 30 * sin(c * 0.3 + Double(band)) + 20 * cos(r * 0.25) + 0.37 * c)
        }
    }

    static func geographicOntoUTM() throws -> Case {
        let src = try Fixtures.grid(crs: "EPSG:4326", originX: 121.4, originY: 30.1, pixel: 0.01, width: 60, height: 50)
        // East of lon 122.0 (x ≈ 403 400) the grid leaves the source: an edge inside the grid.
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 390000, originY: 3310000, pixel: 30, width: 600, height: 500)
        return Case(name: "EPSG:4326 onto UTM 51N", source: src, bands: (0..<3).map { field(src, band: $0) }, nodata: -9999, target: target)
    }

    static func utmOntoOtherZone() throws -> Case {
        let src = try Fixtures.grid(crs: "EPSG:32650", originX: 900000, originY: 3330000, pixel: 250, width: 240, height: 200)
        // The source's east edge (zone 50 x = 960 000) falls near zone 51 x ≈ 380 000.
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 370000, originY: 3320000, pixel: 30, width: 500, height: 400)
        return Case(name: "UTM 50N onto UTM 51N, no nodata", source: src, bands: [field(src, band: 0)], nodata: nil, target: target)
    }

    /// Same CRS, 50 m onto 30 m with an offset of a fraction of a pixel (the smallest ratios the
    /// resampler takes), the source's south-east corner inside the grid.
    static func sameCRSFiner() throws -> Case {
        let src = try Fixtures.grid(crs: "EPSG:32651", originX: 360007.3, originY: 3320011.9, pixel: 50, width: 150, height: 130)
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 361000, originY: 3318000, pixel: 30, width: 260, height: 230)
        return Case(name: "50 m onto 30 m, same CRS", source: src, bands: [field(src, band: 1)], nodata: -9999, target: target)
    }

    /// Int16 with nodata −32768: holes in one band only, in both bands, and a 3 × 3 block.
    static func holes(nanNodata: Bool) throws -> Case {
        let src = try Fixtures.grid(crs: "EPSG:4326", originX: 121.4, originY: 30.1, pixel: 0.01, width: 60, height: 50)
        let target = try Fixtures.grid(crs: "EPSG:32651", originX: 360000, originY: 3320000, pixel: 30, width: 500, height: 400)
        let nd: Float = nanNodata ? .nan : -32768
        var b = (0..<2).map { field(src, band: $0).map { nanNodata ? $0 : ($0 * 10).rounded() } }
        func hole(_ band: Int, _ r: Int, _ c: Int) { b[band][r * src.width + c] = nd }
        hole(0, 15, 20)                    // band 1 only
        hole(1, 13, 28)                    // band 2 only
        for band in 0..<2 { hole(band, 18, 25) }
        for r in 20...22 { for c in 17...19 { for band in 0..<2 { hole(band, r, c) } } }
        hole(0, 16, 23); hole(0, 17, 23); hole(1, 16, 24)  // neighbouring holes in different bands
        return Case(name: nanNodata ? "holes, Float32 with NaN nodata" : "holes, Int16 with nodata -32768", source: src, bands: b,
                    type: nanNodata ? .float32 : .int16, nodata: nanNodata ? .nan : -32768, target: target)
    }

    /// GDAL's own answer: `gdalwarp -r METHOD -et 0` onto exactly the target grid, in one run.
    func gdalwarp(_ src: String, _ t: Grid, _ dir: TempDir, method: String = "bilinear") throws -> [[Float]] {
        let b = t.bounds()
        let out = dir.file("gdalwarp.tif")
        let r = try runProcess("/usr/bin/gdalwarp", ["-q", "-overwrite", "-r", method, "-et", "0", "-t_srs", t.crsWKT,
                                                      "-te", "\(b.xmin)", "\(b.ymin)", "\(b.xmax)", "\(b.ymax)",
                                                      "-ts", "\(t.width)", "\(t.height)", "-ot", "Float32", "-dstnodata", "nan", src, out])
        #expect(r.status == 0, "gdalwarp: \(r.stderr)")
        let ds = try Dataset(path: out)
        return try (1...ds.bandCount).map { band in
            var v = [Float](repeating: 0, count: t.pixelCount)
            try v.withUnsafeMutableBufferPointer { try ds.readPlanes(bands: [band], window: t.window, into: $0.baseAddress!) }
            return v
        }
    }

    /// The case's source written as `src.tif` in `dir`, every band aligned onto its target
    /// with the own resamplers allowed.
    func aligned(_ c: Case, in dir: TempDir) throws -> (path: String, rasters: [AlignedRaster]) {
        let path = dir.file("src.tif")
        try Fixtures.raster(path, grid: c.source, bands: c.bands, type: c.type, nodata: c.nodata)
        let aligner = Aligner(useOwnResampler: true)
        return (path, try (1...c.bands.count).map { try aligner.align(path: path, band: $0, kind: .continuous, grid: c.target) })
    }

    /// All bands through the resampler, read in tiles of `tile` pixels.
    func ours(_ a: [AlignedRaster], tile: Int) throws -> [[Float]] {
        let ds = try a[0].open()
        let g = a[0].grid
        let scratch = ReadScratch()
        var out = [[Float]](repeating: [Float](repeating: -1, count: g.pixelCount), count: a.count)
        var buf = [Float](repeating: 0, count: tile * tile * a.count)
        for w in g.window.subdivide(tileWidth: tile, tileHeight: tile) {
            try buf.withUnsafeMutableBufferPointer { try AlignedRaster.read(a, w, from: ds, scratch: scratch, into: $0.baseAddress!) }
            for k in a.indices {
                for r in 0..<w.height {
                    for c in 0..<w.width { out[k][(w.row + r) * g.width + w.col + c] = buf[k * w.pixelCount + r * w.width + c] }
                }
            }
        }
        return out
    }

    struct Agreement {
        var maskDiffers = 0, valid = 0, nodata = 0
        var worstRelative = 0.0
    }

    func compare(_ a: [Float], _ b: [Float]) -> Agreement {
        var s = Agreement()
        for (x, y) in zip(a, b) {
            if x.isNaN != y.isNaN { s.maskDiffers += 1; continue }
            if x.isNaN { s.nodata += 1; continue }
            s.valid += 1
            s.worstRelative = max(s.worstRelative, Double(abs(x - y)) / max(Double(abs(y)), 1e-30))
        }
        return s
    }

    @Test(arguments: ["geo", "utm", "same-crs", "holes", "nan-holes"])
    func agreesWithGDALWarp(_ which: String) throws {
        let c: Case
        switch which {
        case "geo": c = try Self.geographicOntoUTM()
        case "utm": c = try Self.utmOntoOtherZone()
        case "same-crs": c = try Self.sameCRSFiner()
        case "holes": c = try Self.holes(nanNodata: false)
        default: c = try Self.holes(nanNodata: true)
        }
        let dir = TempDir("resampler")
        let (path, rasters) = try aligned(c, in: dir)
        _ = try #require(rasters[0].source as? BilinearSource, "\(c.name): expected the own resampler")
        let reference = try gdalwarp(path, c.target, dir)
        let whole = try ours(rasters, tile: max(c.target.width, c.target.height))
        for k in whole.indices {
            let s = compare(whole[k], reference[k])
            print("resampler agreement, \(c.name), band \(k + 1): \(s.valid) valid, \(s.nodata) nodata, mask differs in \(s.maskDiffers), worst relative \(s.worstRelative)")
            #expect(s.maskDiffers == 0, "\(c.name) band \(k + 1): nodata masks differ in \(s.maskDiffers) pixels")
            #expect(s.worstRelative <= 1e-6, "\(c.name) band \(k + 1): worst relative difference \(s.worstRelative)")
            #expect(s.valid > c.target.pixelCount / 2)
            if which != "geo" && which != "utm" { #expect(s.nodata > 0, "the holes must show") }
            if which == "geo" || which == "utm" || which == "same-crs" { #expect(s.nodata > 0, "the source edge must fall inside the grid") }
        }
        for tile in [256, 100, 37] {
            let tiled = try ours(rasters, tile: tile)
            for k in whole.indices {
                #expect(zip(tiled[k], whole[k]).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(c.name): tile \(tile) differs")
            }
        }
    }

    /// The lattice's interpolated coordinates against an exact PROJ transform of every pixel.
    @Test(arguments: ["geo", "utm"])
    func latticeErrorIsWithinItsBound(_ which: String) throws {
        let c = which == "geo" ? try Self.geographicOntoUTM() : try Self.utmOntoOtherZone()
        let lattice = try TransformLattice.build(source: c.source, target: c.target)
        #expect(lattice.measuredError <= TransformLattice.tolerance)
        let g = c.target, n = g.pixelCount
        let ct = try CoordinateTransform(from: g.crsWKT, to: c.source.crsWKT)
        var x = [Double](repeating: 0, count: n), y = x, ex = x, ey = x, z = x
        var ok = [Int32](repeating: 0, count: n)
        let nodes = Points(capacity: 33 * 33)
        lattice.coordinates(window: g.window, transform: ct, nodes: nodes, x: &x, y: &y)
        for i in 0..<n {
            let p = g.transform.apply(col: Double(i % g.width) + 0.5, row: Double(i / g.width) + 0.5)
            ex[i] = p.x
            ey[i] = p.y
        }
        ct.transform(x: &ex, y: &ey, z: &z, success: &ok, count: n)
        let inv = try #require(c.source.transform.inverted())
        var worst = 0.0
        for i in 0..<n {
            let p = inv.apply(col: ex[i], row: ey[i])
            worst = max(worst, abs(p.x - x[i]), abs(p.y - y[i]))
        }
        print("lattice \(which): steps \(lattice.stepCounts.sorted { $0.key > $1.key }), measured at build \(lattice.measuredError), worst over every pixel \(worst) source px")
        #expect(worst <= TransformLattice.tolerance)
    }
}
