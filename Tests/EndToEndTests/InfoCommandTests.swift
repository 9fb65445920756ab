import Foundation
import GDALKit
import Testing
import TestSupport

/// `sinkmap info` against `gdalinfo -json` on a real multi-band GeoTIFF.
@Suite struct InfoCommandTests {
    @Test func infoReportsWhatGdalinfoReports() throws {
        let dir = TempDir("info")
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 440720.5, originY: 3751320.25, pixel: 30, width: 70, height: 45)
        let bands: [[Float]] = (0..<3).map { b in (0..<grid.pixelCount).map { Float($0 % 100 + b) } }
        try Fixtures.raster(dir.file("multi.tif"), grid: grid, bands: bands, type: .int16, nodata: -1)
        let ours = try sinkmap("info", dir.file("multi.tif"))
        #expect(ours.status == 0)
        let theirs = try runProcess("/usr/bin/gdalinfo", ["-json", dir.file("multi.tif")])
        #expect(theirs.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(theirs.stdout.utf8)) as? [String: Any])
        let size = try #require(json["size"] as? [Int])
        let gt = try #require(json["geoTransform"] as? [Double])
        let bandsJSON = try #require(json["bands"] as? [[String: Any]])
        let epsg = try #require((json["stac"] as? [String: Any])?["proj:epsg"] as? Int)

        #expect(ours.stdout.contains("Size is \(size[0]), \(size[1])"))
        #expect(ours.stdout.contains("Bands: \(bandsJSON.count)"))
        #expect(ours.stdout.contains("(EPSG:\(epsg))"))
        let line = try #require(ours.stdout.split(separator: "\n").first { $0.hasPrefix("GeoTransform = ") })
        let values = line.dropFirst("GeoTransform = ".count).split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
        #expect(values == gt)
        for (i, b) in bandsJSON.enumerated() {
            #expect(ours.stdout.contains("Band \(i + 1): Type=\(b["type"] as! String) Block=\((b["block"] as! [Int]).map(String.init).joined(separator: "x")) NoData=-1"))
        }
    }

    @Test func missingFileIsOneLineAndNonZero() throws {
        let r = try sinkmap("info", "/nonexistent/x.tif")
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("/nonexistent/x.tif"))
    }
}
