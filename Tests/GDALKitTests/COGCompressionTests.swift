import GDALKit
import Testing
import TestSupport

/// `--compress`: the accepted spellings, and that each writes a COG with that compression
/// holding the same values.
@Suite struct COGCompressionTests {
    @Test func parsesMethodsAndLevels() {
        #expect(COGCompression(parsing: "deflate") == COGCompression(method: "DEFLATE", level: 1))
        #expect(COGCompression(parsing: "DEFLATE:6") == COGCompression(method: "DEFLATE", level: 6))
        #expect(COGCompression(parsing: "zstd") == COGCompression(method: "ZSTD", level: nil))
        #expect(COGCompression(parsing: "zstd:9") == COGCompression(method: "ZSTD", level: 9))
        #expect(COGCompression(parsing: "lzw") == COGCompression(method: "LZW", level: nil))
        #expect(COGCompression(parsing: "none") == COGCompression(method: "NONE", level: nil))
        for bad in ["brotli", "deflate:0", "deflate:13", "zstd:23", "lzw:3", "deflate:", "", "deflate:1:2", "deflate:x"] {
            #expect(COGCompression(parsing: bad) == nil, "\(bad) must be refused")
        }
        #expect(COGCompression.default.description == "deflate:1")
        #expect(COGCompression(parsing: COGCompression.default.description) == .default)
    }

    @Test(arguments: ["deflate", "deflate:9", "zstd:3", "lzw", "none"])
    func writesTheAskedCompressionWithTheSameValues(_ spelling: String) throws {
        let dir = TempDir("cogc")
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 500000, originY: 3300000, pixel: 30, width: 300, height: 260)
        let values: [Float] = (0..<grid.pixelCount).map { Float($0 % 977) * 0.25 }
        try Fixtures.raster(dir.file("src.tif"), grid: grid, bands: [values], nodata: -9999)
        let c = try #require(COGCompression(parsing: spelling))
        try COG.write(from: try Dataset(path: dir.file("src.tif")), to: dir.file("cog.tif"), compression: c)
        let r = try runProcess("/usr/bin/gdalinfo", [dir.file("cog.tif")])
        #expect(r.stdout.contains("LAYOUT=COG"))
        if c.method == "NONE" {
            #expect(!r.stdout.contains("COMPRESSION="))
        } else {
            #expect(r.stdout.contains("COMPRESSION=\(c.method)"))
        }
        var back = [Float](repeating: 0, count: grid.pixelCount)
        try back.withUnsafeMutableBufferPointer { try Dataset(path: dir.file("cog.tif")).readRaw(band: 1, window: grid.window, into: $0.baseAddress!) }
        #expect(back == values)
    }
}
