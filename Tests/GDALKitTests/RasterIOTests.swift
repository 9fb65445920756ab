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
