import CGDAL
import Foundation
@testable import GDALKit
import Testing
import TestSupport

/// Failing GDAL calls throw `GDALError`s with GDAL's own message and the file concerned.
@Suite struct FunnelTests {
    /// A small GeoTIFF, opened read-only.
    func readOnlyRaster(_ dir: TempDir) throws -> Dataset {
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 500000, originY: 3300000, pixel: 30, width: 4, height: 3)
        try Fixtures.raster(dir.file("ro.tif"), grid: grid, bands: [[Float](repeating: 1, count: 12)])
        return try Dataset(path: dir.file("ro.tif"))
    }

    @Test func writingToAReadOnlyDatasetThrowsGDALsMessageAndThePath() throws {
        let dir = TempDir("funnel")
        let ds = try readOnlyRaster(dir)
        let band = try ds.bandHandle(1)
        var values = [Float](repeating: 2, count: 12)
        do {
            try GDAL.check("write \(ds.width)x\(ds.height)", path: ds.displayName) {
                GDALRasterIOEx(band, GF_Write, 0, 0, 4, 3, &values, 4, 3, GDT_Float32, 0, 0, nil)
            }
            Issue.record("writing to a read-only dataset must fail")
        } catch let e as GDALError {
            #expect(e.path == dir.file("ro.tif"))
            #expect(e.message.contains("read-only"), "\(e)")
            #expect(e.description.hasPrefix("\(dir.file("ro.tif")): write 4x3 failed: "))
        }
    }

    @Test func aFailingSetterThrowsInsteadOfBeingIgnored() throws {
        let dir = TempDir("funnel")
        let good = try Fixtures.grid(crs: "EPSG:32651", originX: 500000, originY: 3300000, pixel: 30, width: 4, height: 3)
        let bad = Grid(crsWKT: "not a coordinate system", transform: good.transform, width: 4, height: 3)
        do {
            _ = try RasterWriter(path: dir.file("bad-crs.tif"), grid: bad, bands: 1, nodata: nil)
            Issue.record("an unparsable CRS must not be written silently")
        } catch let e as GDALError {
            #expect(e.operation == "set georeferencing" && e.path == dir.file("bad-crs.tif"), "\(e)")
        }
        // An OGR call that fails without a message names the OGR error.
        let shp = try VectorWriter(path: dir.file("t.shp"), driver: "ESRI Shapefile")
        do {
            try shp.transaction {}
            Issue.record("a shapefile has no transactions")
        } catch let e as GDALError {
            #expect(e.operation == "start a transaction" && e.path == dir.file("t.shp"), "\(e)")
            #expect(!e.message.isEmpty)
        }
    }

    @Test func openingAFileOfTheWrongKindNamesItWithGDALsMessage() throws {
        let dir = TempDir("funnel")
        try Fixtures.polygons(dir.file("z.gpkg"), layer: "zones", crs: "EPSG:32651", fields: ["id"],
                              features: [(Fixtures.rectangle(0, 0, 10, 10), ["a"])])
        do {
            _ = try Dataset(path: dir.file("z.gpkg"))
            Issue.record("a vector-only GeoPackage is not a raster")
        } catch let e as GDALError {
            #expect(e.operation == "open raster" && e.path == dir.file("z.gpkg"), "\(e)")
            #expect(!e.message.isEmpty && e.message != GDAL.noMessage, "\(e)")
        }
        let ds = try readOnlyRaster(dir)
        _ = ds
        do {
            _ = try VectorDataset(path: dir.file("ro.tif"))
            Issue.record("a GeoTIFF is not a vector file")
        } catch let e as GDALError {
            #expect(e.operation == "open vector" && e.path == dir.file("ro.tif"), "\(e)")
            #expect(!e.message.isEmpty, "\(e)")
        }
        do {
            _ = try RasterWriter(path: dir.file("no/such/dir/x.tif"), grid: try ds.grid(), bands: 1, nodata: nil)
            Issue.record("creating a raster in a missing directory must fail")
        } catch let e as GDALError {
            #expect(e.operation == "create raster" && e.path == dir.file("no/such/dir/x.tif"), "\(e)")
            #expect(e.message.contains("No such file"), "\(e)")
        }
    }

    @Test func funnelClearsStaleErrorsAndPassesSuccess() throws {
        // A stale error from an earlier call must not leak into a later success or failure.
        CPLErrorSetState(CE_Failure, CPLE_AppDefined, "stale")
        try GDAL.check("no-op", path: "") { CE_None }
        try GDAL.checkLastError("no-op", path: "") {}
        #expect(try GDAL.make("no-op", path: "") { Optional(1) } == 1)
        CPLErrorSetState(CE_Failure, CPLE_AppDefined, "stale")
        let e = try #require(throws: GDALError.self) { try GDAL.check("ogr", path: "f.gpkg") { OGRErr(OGRERR_CORRUPT_DATA) } }
        #expect(e == GDALError(operation: "ogr", path: "f.gpkg", message: "OGR error: corrupt data"))
        let m = try #require(throws: GDALError.self) { try GDAL.make("make", path: "p") { Optional<Int>.none } }
        #expect(m.message == GDAL.noMessage)
        // An iterator's nil is the end unless the call itself failed.
        CPLErrorSetState(CE_Failure, CPLE_AppDefined, "stale")
        #expect(try GDAL.next("read layer", path: "p") { Optional<Int>.none } == nil)
        let n = try #require(throws: GDALError.self) {
            try GDAL.next("read layer", path: "p") { () -> Int? in
                CPLErrorSetState(CE_Failure, CPLE_AppDefined, "broken record")
                return nil
            }
        }
        #expect(n.description == "p: read layer failed: broken record")
    }
}

/// Geometries carried as ISO WKB bytes (Sendable) between threads.
@Suite struct GeometryWKBTests {
    @Test func polygonRoundTripsThroughWKB() async throws {
        let wkt = "POLYGON ((500000 3300000,500900 3300000,500900 3300600,500000 3300600,500000 3300000),"
            + "(500100 3300100,500200 3300100,500200 3300200,500100 3300100))"
        let g = try Geometry(wkt: wkt)
        let bytes = try g.wkb
        let expected: Int = 9 + (4 + 5 * 16) + (4 + 4 * 16)  // header, ring count, two rings of 2D points
        #expect(bytes.count == expected)
        #expect(bytes[0] == 1)  // little-endian (NDR)
        #expect(bytes[1...4] == [3, 0, 0, 0])  // ISO type code: polygon
        let back = try await Task.detached { try Geometry(wkb: bytes).wkb }.value
        let h = try Geometry(wkb: back)
        #expect(h.area == g.area && g.area == 900 * 600 - 5000)
        #expect(try h.wkt == g.wkt)
        #expect(try h.wkt == wkt)
    }

    @Test func polygonWithZUsesISOCodes() throws {
        let g = try Geometry(wkt: "POLYGON Z ((0 0 1,1 0 2,1 1 3,0 0 1))")
        let bytes = try g.wkb
        #expect(bytes[1...4] == [0xEB, 0x03, 0, 0])  // 1003 = ISO Polygon Z
        #expect(try Geometry(wkb: bytes).wkt == g.wkt)
    }

    @Test func badWKBThrowsWithThePath() throws {
        let e = try #require(throws: GDALError.self) { try Geometry(wkb: [1, 3, 0, 0], path: "zones.gpkg") }
        #expect(e.operation == "parse WKB" && e.path == "zones.gpkg")
        #expect(throws: GDALError.self) { try Geometry(wkb: []) }
    }
}
