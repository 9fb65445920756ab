import Foundation
import GDALKit
import Testing
import TestSupport

/// Attribute values read as text exactly as a person would write them: a Real id 1.0 in a
/// shapefile (stored with 15 decimals) reads "1".
@Suite struct FieldTextTests {
    @Test func realIdsReadAsTheirShortestText() throws {
        let dir = TempDir("fields")
        let w = try VectorWriter(path: dir.file("z.shp"), driver: "ESRI Shapefile")
        let srs = try SpatialReference(definition: "EPSG:32651")
        let layer = try w.createLayer("z", srs: srs, fields: [("rid", .real), ("name", .string)])
        for (value, name) in [(1.0, "a"), (330603004.0, "b"), (2.5, "c")] {
            try layer.add([("rid", .real(value)), ("name", .string(name))], geometry: try Geometry(wkt: Fixtures.rectangle(0, 0, 10, 10)))
        }
        try w.close()
        // The shapefile stores them with many decimals: OGR's own text would be "1.000000000000000".
        let info = try runProcess("/usr/bin/ogrinfo", ["-al", dir.file("z.shp")])
        #expect(info.stdout.contains("rid: Real ("))
        let features = try VectorDataset(path: dir.file("z.shp")).layer(nil).features(fields: ["rid", "name"])
        #expect(features.map { $0.fields["rid"]! } == ["1", "330603004", "2.5"])
        #expect(features.map { $0.fields["name"]! } == ["a", "b", "c"])
    }
}
