import Foundation
import GDALKit
import SinkmapEngine
import SinkmapStatistics
import Testing
import TestSupport
import SinkmapWorkflows

/// `PixelTrend` over several strips and threads: every pixel equals the trend statistics of its
/// own values (Float32-rounded), nodata where any year is nodata, and the COGs are
/// byte-identical for 1 and 2 threads.
@Suite struct PixelTrendTests {
    @Test func everyPixelOnSeveralStripsAndThreads() throws {
        let dir = TempDir("pixel-trend")
        let (width, height) = (37, 600)  // 3 strips of 256 rows
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 500_000, originY: 3_300_000, pixel: 30, width: width, height: height)
        let years = [2015, 2016, 2018, 2019, 2020]
        var g = SeededGenerator(seed: 4242)
        var values: [[Float]] = []
        for (k, _) in years.enumerated() {
            values.append((0..<(width * height)).map { i in
                if i % 97 == 13 && k == 2 { return -9999 }  // nodata in one year
                let trend = Float(i % 11) - 5
                return (trend * Float(k) + Float(g.next() % 1000) / 50).rounded() / 2  // halves: ties
            })
        }
        var inputs: [String] = []
        for (k, v) in values.enumerated() {
            let path = dir.file("nep-\(years[k]).tif")
            try Fixtures.raster(path, grid: grid, bands: [v], nodata: -9999)
            inputs.append(path)
        }
        for threads in [1, 2] {
            let out = dir.file("t\(threads)")
            for sub in ["change", "trend"] { try FileManager.default.createDirectory(atPath: out + "/" + sub, withIntermediateDirectories: true) }
            try PixelTrend.write(quantity: "nep", unit: "gC m-2 yr-1", inputs: inputs, years: years, grid: grid, directory: out, threads: threads)
        }
        let products = PixelTrend.products("nep", unit: "gC m-2 yr-1")
        for p in products {
            let one = try Data(contentsOf: URL(fileURLWithPath: dir.file("t1/" + p.file)))
            let two = try Data(contentsOf: URL(fileURLWithPath: dir.file("t2/" + p.file)))
            #expect(one == two, "\(p.file) differs between 1 and 2 threads")
        }
        let got = try products.map { try readPixels(dir.file("t2/" + $0.file)) }
        let x = years.map(Double.init)
        var checked = 0
        for i in 0..<(width * height) {
            let y = values.map { $0[i] }
            if y.contains(-9999) {
                #expect(got.allSatisfy { $0[i] == nil }, "pixel \(i) should be nodata")
                continue
            }
            let yd = y.map(Double.init)
            let line = Trend.theilSen(x: x, y: yd), mk = Trend.mannKendall(yd)
            let expected = [Float(yd[4] - yd[0]), Float(line.slope), Float(mk.z), Float(mk.p)]
            for (b, e) in expected.enumerated() where got[b][i] != Double(e) {
                Issue.record("pixel \(i) \(products[b].file): \(String(describing: got[b][i])) vs \(e)")
            }
            checked += 1
        }
        #expect(checked > 20_000)
    }
}
