import Foundation
import GDALKit
import SinkmapEngine
import Testing
import TestSupport
import SinkmapWorkflows

/// `sinkmap composite` from Sentinel-2 L2A products (bands at 10 m, SCL at 20 m, onto a 30 m
/// grid) and from a CSV manifest.
@Suite struct CompositeSourcesTests {
    /// Three Sentinel-2 L2A products (two in June with `MTD_MSIL2A.xml` stating BOA_ADD_OFFSET
    /// −1000, one in August without: offset 0) composited onto a 30 m `--like` grid. B04/B08
    /// are linear in x and y (UInt16 DN) and extend 60 m past the grid, so the bilinear value at
    /// a 30 m pixel centre is the plane's value there; SCL (20 m) by nearest is the SCL pixel
    /// holding the centre (centres never fall on a 20 m boundary). One product of 2022 ignored.
    @Test func sentinel2BandsAt10mSclAt20mOnto30m() throws {
        let dir = TempDir("composite-s2")
        let (w, h, margin) = (12, 10, 2)  // target pixels; margin in target pixels
        let x0 = 600_000.0, y0 = 3_500_000.0
        let grid = try Fixtures.grid(crs: "EPSG:32650", originX: x0, originY: y0, pixel: 30, width: w, height: h)
        try Fixtures.raster(dir.file("like.tif"), grid: grid, bands: [[Float](repeating: 1, count: w * h)])
        let g10 = try Fixtures.grid(crs: "EPSG:32650", originX: x0 - Double(margin) * 30, originY: y0 + Double(margin) * 30,
                                    pixel: 10, width: 3 * (w + 2 * margin), height: 3 * (h + 2 * margin))
        let g20 = try Fixtures.grid(crs: "EPSG:32650", originX: x0, originY: y0, pixel: 20, width: 18, height: 15)
        struct Product { var id: String; var year: Int, month: Int; var offset: Double; var red: (Int, Int, Int); var nir: (Int, Int, Int); var scl: [Int] }
        var gen = SeededGenerator(seed: 2104)
        let codes = [4, 5, 6, 4, 4, 8, 9, 3, 10, 0, 1]
        func scl() -> [Int] { (0..<18 * 15).map { _ in codes[Int(gen.next() % UInt64(codes.count))] } }
        let products = [
            Product(id: "T50RQU_20230615T023551", year: 2023, month: 6, offset: -1000, red: (1500, 7, 5), nir: (3200, 11, -6), scl: scl()),
            Product(id: "T50RQU_20230625T023551", year: 2023, month: 6, offset: -1000, red: (1900, -4, 9), nir: (2800, 13, 8), scl: scl()),
            Product(id: "T50RQU_20230810T023551", year: 2023, month: 8, offset: 0, red: (900, 3, 2), nir: (2500, 9, 12), scl: scl()),
            Product(id: "T50RQU_20221010T023551", year: 2022, month: 10, offset: 0, red: (900, 3, 2), nir: (2500, 9, 12), scl: scl()),
        ]
        for p in products {
            let safe = dir.file("s2/S2A_MSIL2A_\(p.id.dropFirst(7))_N0509_R089_\(p.id.prefix(6))_X.SAFE")
            let img = safe + "/GRANULE/L2A_\(p.id.prefix(6))_A0/IMG_DATA"
            for r in ["R10m", "R20m"] { try FileManager.default.createDirectory(atPath: img + "/" + r, withIntermediateDirectories: true) }
            if p.offset != 0 {
                let bands = (0..<13).map { "<BOA_ADD_OFFSET band_id=\"\($0)\">\(Int(p.offset))</BOA_ADD_OFFSET>" }.joined(separator: "\n")
                try "<n1:Level-2A_User_Product>\n\(bands)\n</n1:Level-2A_User_Product>\n".write(toFile: safe + "/MTD_MSIL2A.xml", atomically: true, encoding: .utf8)
            }
            func plane(_ c: (Int, Int, Int)) -> [Float] { (0..<g10.pixelCount).map { Float(c.0 + c.1 * ($0 % g10.width) + c.2 * ($0 / g10.width)) } }
            try Fixtures.raster(img + "/R10m/\(p.id)_B04_10m.tif", grid: g10, bands: [plane(p.red)], type: .uint16, nodata: 0)
            try Fixtures.raster(img + "/R10m/\(p.id)_B08_10m.tif", grid: g10, bands: [plane(p.nir)], type: .uint16, nodata: 0)
            try Fixtures.raster(img + "/R20m/\(p.id)_SCL_20m.tif", grid: g20, bands: [p.scl.map(Float.init)], type: .byte, nodata: 0)
        }
        let out = dir.file("out")
        let r = try runProcess(Repo.sinkmap, ["composite", dir.file("s2"), "--year", "2023", "--out", out, "--like", dir.file("like.tif"), "--quiet"])
        try #require(r.status == 0, "sinkmap composite failed: \(r.stderr)")

        let ndvi = try CompositeTests().readBands(out + "/ndvi.tif", bands: 12), clear = try CompositeTests().readBands(out + "/clear.tif", bands: 12)
        var worst = 0.0, wrong = 0, observed = 0
        for row in 0..<h {
            for col in 0..<w {
                let i = row * w + col
                // The 10 m pixel coordinates of the 30 m centre, minus the half pixel of the DN plane.
                let u = Double(3 * (col + margin) + 1), v = Double(3 * (row + margin) + 1)
                let sclIndex = ((row * 30 + 15) / 20) * 18 + (col * 30 + 15) / 20
                var months = [[Double]](repeating: [], count: 12)
                for p in products where p.year == 2023 && [4, 5, 6].contains(p.scl[sclIndex]) {
                    let red = (Double(p.red.0) + Double(p.red.1) * u + Double(p.red.2) * v + p.offset) / 10000
                    let nir = (Double(p.nir.0) + Double(p.nir.1) * u + Double(p.nir.2) * v + p.offset) / 10000
                    months[p.month - 1].append((nir - red) / (nir + red))
                }
                observed += months.map(\.count).reduce(0, +)
                let june = months[5].max(), august = months[7].max()
                for m in 0..<12 {
                    var want: Double?
                    switch (june, august) {
                    case let (j?, a?): want = m <= 5 ? j : (m == 6 ? (j + a) / 2 : a)  // July interpolated
                    case let (j?, nil): want = j
                    case let (nil, a?): want = a
                    case (nil, nil): want = nil
                    }
                    if let want { worst = max(worst, abs(Double(ndvi[m][i]) - want)) } else if ndvi[m][i] != -9999 { wrong += 1 }
                    if Int(clear[m][i]) != months[m].count { wrong += 1 }
                }
            }
        }
        #expect(worst <= 1e-6, "worst NDVI difference \(worst)")
        #expect(wrong == 0 && observed > w * h)
        let report = try CompositeReport.read(path: out + "/composite.json")
        #expect(report.ignoredOutsideYear.count == 1 && report.months[5].acquisitions.count == 2)
        #expect(report.months[5].acquisitions.allSatisfy { $0.sensor == "sentinel2-l2a" })
    }

    /// A manifest (date, red, nir, qa, qa_type) over files with no product names, with a row of
    /// another year: the same composite as the independent computation, the row counted.
    @Test func manifestDrivenSet() throws {
        let dir = TempDir("composite-manifest")
        let set = LandsatSet(width: 20, height: 9, year: 2021, seed: 2105)
        let grid = try Fixtures.grid(crs: "EPSG:32650", originX: 400_000, originY: 3_000_000, pixel: 30, width: 20, height: 9)
        try FileManager.default.createDirectory(atPath: dir.file("m/files"), withIntermediateDirectories: true)
        var rows = ["date,red,nir,qa,qa_type"]
        for (k, a) in set.acquisitions.enumerated() {
            try Fixtures.raster(dir.file("m/files/r\(k).tif"), grid: grid, bands: [a.red], type: .uint16, nodata: 0)
            try Fixtures.raster(dir.file("m/files/n\(k).tif"), grid: grid, bands: [a.nir], type: .uint16, nodata: 0)
            try Fixtures.raster(dir.file("m/files/q\(k).tif"), grid: grid, bands: [a.qa], type: .uint16, nodata: 1)
            rows.append(String(format: "%04d-%02d-10,files/r\(k).tif,files/n\(k).tif,files/q\(k).tif,qa_pixel", a.year, a.month))
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir.file("m/list.csv"), atomically: true, encoding: .utf8)
        let out = dir.file("out")
        let r = try runProcess(Repo.sinkmap, ["composite", dir.file("m/list.csv"), "--year", "2021", "--out", out,
                                              "--sensor", "manifest", "--method", "median", "--quiet"])
        try #require(r.status == 0, "sinkmap composite failed: \(r.stderr)")
        let ndvi = try CompositeTests().readBands(out + "/ndvi.tif", bands: 12), clear = try CompositeTests().readBands(out + "/clear.tif", bands: 12)
        var worst = 0.0, wrong = 0
        for i in 0..<set.n {
            let e = set.expected(i, year: 2021, median: true)
            for m in 0..<12 {
                if let want = e.ndvi[m] { worst = max(worst, abs(Double(ndvi[m][i]) - want)) } else if ndvi[m][i] != -9999 { wrong += 1 }
                if Int(clear[m][i]) != e.clear[m] { wrong += 1 }
            }
        }
        #expect(worst <= 1e-6 && wrong == 0, "worst \(worst), wrong \(wrong)")
        let report = try CompositeReport.read(path: out + "/composite.json")
        #expect(report.ignoredOutsideYear.count == 1 && report.months.flatMap(\.acquisitions).count == 20)
    }
}
