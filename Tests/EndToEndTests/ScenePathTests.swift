import Foundation
import GDALKit
import Testing
import TestSupport
import SinkmapArchive

/// Scene-file paths run end to end through the `sinkmap` CLI: NDVI from red and NIR bands,
/// canopy height as DSM − DTM, an explicit `grid:` block, and the `q10` respiration model.
/// Every expected value comes from `SpecModel` below — SPEC §3 written out again in Double,
/// without calling the engine's kernels or its scalar reference.
@Suite struct ScenePathTests {
    // MARK: Red and NIR

    /// Periods give `red:` and `nir:` (band 1 and 2 of one file per month, shorthand and
    /// mapping forms). NDVI = (nir − red)/(nir + red); a month with nir + red = 0 makes
    /// NPP, Rh and NEP nodata but keeps the carbon stock. Swapped bands would clamp every
    /// NDVI to ndvi_min and fail by orders of magnitude.
    @Test func ndviFromRedAndNirBands() throws {
        let dir = TempDir("path-rednir")
        var s = MiniScene(width: 8, height: 6, seed: 101)
        var gen = SeededGenerator(seed: 9101)
        var red = [[Double]](repeating: [], count: 12), nir = red
        for m in 0..<12 {
            for i in 0..<s.n {
                let nirF = f32(uniform(&gen, 0.22, 0.45))
                var redF = f32(nirF * (1 - s.ndvi[m][i]) / (1 + s.ndvi[m][i]))
                var n = nirF
                if m == 4 && i == Self.zeroSumPixel { redF = 0; n = 0 }
                red[m].append(redF)
                nir[m].append(n)
                // NDVI as SPEC §2 defines it, from the values written to the files.
                s.ndvi[m][i] = n + redF == 0 ? .nan : (n - redF) / (n + redF)
            }
        }
        try FileManager.default.createDirectory(atPath: dir.file("s2"), withIntermediateDirectories: true)
        for m in 0..<12 {
            try Fixtures.raster(dir.file("s2/2023-\(mm(m)).tif"), grid: s.lattice(), bands: [red[m].map(Float.init), nir[m].map(Float.init)])
        }
        let scene = try s.write(to: dir, ndviLines: { m in
            m == 2 ? ["red: {path: s2/2023-03.tif, band: 1}", "nir: {path: s2/2023-03.tif, band: 2}"]
                   : ["red: s2/2023-\(mm(m)).tif#1", "nir: s2/2023-\(mm(m)).tif#2"]
        })
        let out = try run(scene, dir)
        let expected = s.expected()
        #expect(expected[Self.zeroSumPixel].npp == nil && expected[Self.zeroSumPixel].carbon != nil)
        try checkRasters(out, expected, width: s.width, height: s.height)
        try checkZonal(out, expected, units: s.units(), pixelArea: 900)
    }

    static let zeroSumPixel = 2 * 8 + 1  // row 2, column 1: class 4, unit A

    // MARK: DSM − DTM

    /// `canopy_height: {dsm, dtm}`: H = DSM − DTM drives AGB and the carbon stock of the
    /// class with an allometry; H < 0 clamps to 0, H > 100 to 100, a DTM nodata pixel falls
    /// back to the table pools. Terrain is 120–270 m, so forgetting to subtract the DTM would
    /// clamp every height to 100 m.
    @Test func canopyHeightFromDsmMinusDtm() throws {
        let dir = TempDir("path-dsm")
        var s = MiniScene(width: 8, height: 6, seed: 202)
        var gen = SeededGenerator(seed: 9202)
        var dsm: [Float] = [], dtm: [Float] = []
        var height: [Double?] = []
        for i in 0..<s.n {
            let ground = f32(uniform(&gen, 120, 270))
            var h = uniform(&gen, 1, 35)
            if i == 8 { h = -2.5 }   // DSM below DTM (noise): H clamps to 0, AGB 0
            if i == 10 { h = 131 }   // an outlier above 100 m: H clamps to 100
            let top = f32(ground + h)
            dsm.append(Float(top))
            dtm.append(i == 11 ? -9999 : Float(ground))  // DTM nodata: table pools
            // Within a factor 2 of each other (but for the outlier, which clamps): the Float32 difference is exact.
            height.append(i == 11 ? nil : top - ground)
        }
        s.canopyHeight = height
        try Fixtures.raster(dir.file("dsm.tif"), grid: s.lattice(), bands: [dsm], nodata: -9999)
        try Fixtures.raster(dir.file("dtm.tif"), grid: s.lattice(), bands: [dtm], nodata: -9999)
        let scene = try s.write(to: dir, extra: ["canopy_height: {dsm: dsm.tif, dtm: dtm.tif}"])
        let out = try run(scene, dir)
        let expected = s.expected()
        // Pixels 8, 10 and 11 (row 1, columns 0, 2, 3) are forest.
        #expect(expected[8].agb == 0)
        #expect(expected[10].agb! > 14.574468 * pow(99.9, 0.952))
        #expect(expected[11].agb! == 60 / 0.47)
        try checkRasters(out, expected, width: s.width, height: s.height)
        try checkZonal(out, expected, units: s.units(), pixelArea: 900)
    }

    // MARK: Explicit grid

    /// `grid: {crs, resolution, bounds}` on a sub-window of the inputs' 10 × 8 lattice
    /// (columns 1..<9, rows 1..<7): the outputs are 8 × 6 with that block's geotransform and
    /// CRS, output pixel (c, r) is input pixel (c + 1, r + 1), and the zonal table counts
    /// only the 48 grid pixels.
    @Test func explicitGridOnASubWindowOfTheInputs() throws {
        let dir = TempDir("path-grid")
        var s = MiniScene(width: 10, height: 8, seed: 303)
        s.splitColumn = 5
        s.canopyHeight = s.randomHeights(seed: 9303)
        try Fixtures.raster(dir.file("chm.tif"), grid: s.lattice(), bands: [s.canopyHeight!.map { Float($0 ?? -9999) }], nodata: -9999)
        let x0 = MiniScene.originX + 30, x1 = MiniScene.originX + 9 * 30
        let y1 = MiniScene.originY - 30, y0 = MiniScene.originY - 7 * 30
        let scene = try s.write(to: dir, extra: [
            "grid: {crs: \"EPSG:32651\", resolution: 30, bounds: [\(x0), \(y0), \(x1), \(y1)]}",
            "canopy_height: chm.tif",
        ])
        let out = try run(scene, dir)

        for name in ["npp", "rh", "nep", "agb", "carbon"] {
            let g = try Dataset(path: out + "/\(name).tif").grid()
            #expect(g.width == 8 && g.height == 6, "\(name): \(g)")
            #expect(g.transform.gdal == [x0, 30, 0, y1, 0, -30], "\(name): \(g.transform)")
            #expect(try SpatialReference(definition: g.crsWKT).isSame(as: SpatialReference(definition: "EPSG:32651")))
        }
        let all = s.expected()
        let expected = (0..<6).flatMap { r in (0..<8).map { c in all[(r + 1) * 10 + c + 1] } }
        try checkRasters(out, expected, width: 8, height: 6)
        // Units split at lattice column 5: grid columns 0..<4 are A, 4..<8 are B.
        let units = ["A": (0..<48).filter { $0 % 8 < 4 }, "B": (0..<48).filter { $0 % 8 >= 4 }]
        let rows = try checkZonal(out, expected, units: units, pixelArea: 900)
        // Only the grid's 48 pixels are accounted, not the lattice's 79 (80 less the nodata pixel (5, 0)).
        let pixels = rows.values.map { Int($0["pixels"]!)! }.reduce(0, +)
        #expect(pixels == 48 && expected.allSatisfy { $0.carbon != nil })
    }

    /// `grid:` at 60 m over 30 m inputs (2 × 2 blocks, aligned): continuous inputs are
    /// averaged (SPEC §2, "by averaging when finer"), land cover (uniform per block) keeps
    /// its class. Expected: the model on the mean of each block's four input values.
    @Test func explicitCoarserGridAveragesTheInputs() throws {
        let dir = TempDir("path-coarse")
        var s = MiniScene(width: 10, height: 8, seed: 404)
        s.splitColumn = 5
        // One class per 2 × 2 block of the target grid (blocks start at column 1, row 1).
        s.landcover = (0..<s.n).map { i in
            let c = i % 10, r = i / 10
            return ((c + 1) / 2 + (r + 1) / 2) % 3 == 2 ? 10 : 4
        }
        s.canopyHeight = s.randomHeights(seed: 9404).map { $0 ?? 12 }  // no nodata: the mean is plain
        try Fixtures.raster(dir.file("chm.tif"), grid: s.lattice(), bands: [s.canopyHeight!.map { Float($0!) }], nodata: -9999)
        let x0 = MiniScene.originX + 30, x1 = MiniScene.originX + 9 * 30
        let y1 = MiniScene.originY - 30, y0 = MiniScene.originY - 7 * 30
        let scene = try s.write(to: dir, extra: [
            "grid: {crs: \"EPSG:32651\", resolution: 60, bounds: [\(x0), \(y0), \(x1), \(y1)]}",
            "canopy_height: chm.tif",
        ])
        let out = try run(scene, dir)
        let g = try Dataset(path: out + "/npp.tif").grid()
        #expect(g.width == 4 && g.height == 3 && g.transform.gdal == [x0, 60, 0, y1, 0, -60], "\(g)")

        var coarse = MiniScene(width: 4, height: 3, seed: 0)
        func block(_ k: Int) -> [Int] {
            let c = 1 + 2 * (k % 4), r = 1 + 2 * (k / 4)
            return [r * 10 + c, r * 10 + c + 1, (r + 1) * 10 + c, (r + 1) * 10 + c + 1]
        }
        func mean(_ plane: [Double], _ k: Int) -> Double { block(k).map { plane[$0] }.reduce(0, +) / 4 }
        coarse.landcover = (0..<12).map { k in s.landcover[block(k)[0]] }
        #expect((0..<12).allSatisfy { k in block(k).allSatisfy { s.landcover[$0] == coarse.landcover[k] } })
        for m in 0..<12 {
            coarse.ndvi[m] = (0..<12).map { mean(s.ndvi[m], $0) }
            coarse.temperature[m] = (0..<12).map { mean(s.temperature[m], $0) }
            coarse.precipitation[m] = (0..<12).map { mean(s.precipitation[m], $0) }
            coarse.radiation[m] = (0..<12).map { mean(s.radiation[m], $0) }
        }
        coarse.canopyHeight = (0..<12).map { mean(s.canopyHeight!.map { $0! }, $0) }
        let expected = coarse.expected()
        try checkRasters(out, expected, width: 4, height: 3)
        // Pixel centres at lattice columns 2, 4 | 6, 8: units A and B split at lattice column 5.
        let units = ["A": (0..<12).filter { $0 % 4 < 2 }, "B": (0..<12).filter { $0 % 4 >= 2 }]
        try checkZonal(out, expected, units: units, pixelArea: 3600)
    }

    // MARK: q10

    /// `rh: q10` with non-default parameters: Rh = Σ r_ref·30·q10^((T − t_ref)/10) and
    /// NEP = NPP − Rh per pixel and per unit. pei2009, or the default parameters, would differ.
    @Test func q10RespirationWithItsParameters() throws {
        let dir = TempDir("path-q10")
        var s = MiniScene(width: 8, height: 6, seed: 505)
        s.rh = .q10(rRef: 1.3, q10: 2.4, tRef: 12)
        let scene = try s.write(to: dir, extra: [
            "models: {npp: casa, rh: q10, rh_q10: {r_ref: 1.3, q10: 2.4, t_ref: 12}, carbon_fraction: 0.47}",
        ])
        let out = try run(scene, dir)
        let expected = s.expected()
        var pei = s
        pei.rh = .pei2009
        let other = pei.expected()
        #expect(zip(expected, other).allSatisfy { a, b in a.rh == nil || abs(a.rh! - b.rh!) > 0.01 * a.rh! })
        try checkRasters(out, expected, width: s.width, height: s.height)
        try checkZonal(out, expected, units: s.units(), pixelArea: 900)
    }

    /// `rh: q10` without `rh_q10`: SPEC's parameters r_ref 1.0, q10 2.0, t_ref 10.
    @Test func q10RespirationDefaults() throws {
        let dir = TempDir("path-q10-default")
        var s = MiniScene(width: 8, height: 6, seed: 606)
        s.rh = .q10(rRef: 1.0, q10: 2.0, tRef: 10)
        let scene = try s.write(to: dir, extra: ["models: {rh: q10}"])
        let out = try run(scene, dir)
        let expected = s.expected()
        try checkRasters(out, expected, width: s.width, height: s.height)
        try checkZonal(out, expected, units: s.units(), pixelArea: 900)
    }

    // MARK: The test's own model

    /// The model written for these tests reproduces SPEC §3's worked example.
    @Test func specModelReproducesTheWorkedExample() {
        let c = SpecModel.forest
        let ndvi = [0.10, 0.12, 0.18, 0.30, 0.48, 0.62, 0.71, 0.69, 0.55, 0.36, 0.20, 0.12]
        let t: [Double] = [-12, -4, 3, 10, 16, 21, 24, 23, 17, 9, 1, -8]
        let p: [Double] = [2, 5, 12, 30, 55, 90, 140, 120, 60, 25, 8, 3]
        let sol: [Double] = [230, 300, 420, 520, 600, 640, 620, 560, 450, 340, 240, 200]
        let npp = SpecModel.npp(c, ndvi: ndvi, t: t, p: p, sol: sol)
        let rh = SpecModel.rh(.pei2009, t: t, p: p)
        // SPEC's figures have 6 decimals (its AGB is off by 1.1e-6 in the last one).
        func close(_ x: Double, _ spec: Double) -> Bool { abs(x - spec) <= 2e-6 }
        #expect(close(npp, 600.512019) && close(rh, 207.897130), "\(npp) \(rh)")
        let withLidar = SpecModel.stock(c, height: 18, cf: 0.47)
        #expect(close(withLidar.agb, 228.355848) && close(withLidar.total, 228.085788), "\(withLidar)")
        let noLidar = SpecModel.stock(c, height: nil, cf: 0.47)
        #expect(close(noLidar.agb, 127.659574) && abs(noLidar.total - 169) < 1e-12, "\(noLidar)")
    }

    // MARK: Running and checking

    /// Runs the scene; returns the output folder.
    func run(_ scene: String, _ dir: TempDir) throws -> String {
        let out = dir.file("out")
        let r = try sinkmap("run", scene, "--out", out, "--quiet")
        try #require(r.status == 0, "sinkmap run failed: \(r.stderr)")
        return out
    }

    /// Every pixel of the five output rasters against `expected` (nil: nodata −9999).
    func checkRasters(_ out: String, _ expected: [PixelExpectation], width: Int, height: Int,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let layers: [(String, (PixelExpectation) -> Double?)] = [
            ("npp", \.npp), ("rh", \.rh), ("nep", \.nep), ("agb", \.agb), ("carbon", \.carbon),
        ]
        for (name, value) in layers {
            let ds = try Dataset(path: out + "/\(name).tif")
            #expect(ds.width == width && ds.height == height, "\(name) size", sourceLocation: sourceLocation)
            #expect(try ds.bandInfo(1).nodata == -9999, sourceLocation: sourceLocation)
            var got = [Float](repeating: 0, count: width * height)
            try got.withUnsafeMutableBufferPointer {
                try ds.readRaw(band: 1, window: Window(width: width, height: height), into: $0.baseAddress!)
            }
            var bad: [String] = []
            for (i, e) in expected.enumerated() {
                let g = Double(got[i])
                guard let want = value(e) else {
                    if got[i] != -9999 { bad.append("(\(i % width),\(i / width)) \(g) vs nodata") }
                    continue
                }
                // NEP is a difference: its error scales with NPP and Rh.
                let scale = name == "nep" ? max(abs(e.npp!), abs(e.rh!)) : abs(want)
                if got[i] == -9999 || !(abs(g - want) <= 1e-5 * max(scale, 1)) {
                    bad.append("(\(i % width),\(i / width)) \(g) vs \(want)")
                }
            }
            #expect(bad.isEmpty, "\(name).tif: \(bad.count) wrong pixels: \(bad.prefix(6).joined(separator: "; "))",
                    sourceLocation: sourceLocation)
        }
    }

    /// The `unit` rows of zonal.csv (ecosystem and red line `all`) against sums of the
    /// expected pixel values × pixel area. Returns the rows by unit id.
    @discardableResult
    func checkZonal(_ out: String, _ expected: [PixelExpectation], units: [String: [Int]], pixelArea: Double,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: [String: String]] {
        let csv = try ZonalCSV(path: out + "/zonal.csv")
        var found: [String: [String: String]] = [:]
        for (unit, members) in units.sorted(by: { $0.key < $1.key }) {
            let row = try #require(csv.rows(level: "unit", ecosystem: "all", redline: "all").first { $0["unit_id"] == unit },
                                   "no row for unit \(unit)", sourceLocation: sourceLocation)
            found[unit] = row
            let accounted = members.filter { expected[$0].carbon != nil }
            func sum(_ v: (PixelExpectation) -> Double?) -> Double { accounted.compactMap { v(expected[$0]) }.reduce(0, +) }
            let npp = sum(\.npp) * pixelArea / 1e6, rh = sum(\.rh) * pixelArea / 1e6
            let nep = sum(\.nep) * pixelArea / 1e6, carbon = sum(\.carbon) * pixelArea / 1e4
            #expect(row["pixels"] == "\(accounted.count)", "unit \(unit) pixels", sourceLocation: sourceLocation)
            // The unit's whole area (its polygons follow pixel edges), with the part without valid
            // land cover (the nodata pixel) in lc_missing_ha.
            let checks: [(String, Double, Double)] = [
                ("area_ha", Double(members.count) * pixelArea / 1e4, 1),
                ("lc_missing_ha", Double(members.count - accounted.count) * pixelArea / 1e4, 1),
                ("npp_tc", npp, npp), ("rh_tc", rh, rh), ("nep_tc", nep, max(abs(npp), abs(rh))),
                ("carbon_tc", carbon, carbon), ("nep_tco2e", nep * 44 / 12, max(abs(npp), abs(rh)) * 44 / 12),
            ]
            for (column, want, scale) in checks {
                let got = Double(row[column] ?? "") ?? .nan
                #expect(abs(got - want) <= 1e-5 * abs(scale), "unit \(unit) \(column): \(got) vs \(want)",
                        sourceLocation: sourceLocation)
            }
        }
        return found
    }
}

// MARK: - A small deterministic scene
