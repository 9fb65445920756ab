import Foundation
import GDALKit
import SinkmapScene

/// `stac.json`: a STAC Item (1.1.0) describing a run's outputs. Per band of each COG, the core
/// `bands` common metadata of STAC 1.1.0 (data type, nodata, unit, exact statistics; the fields
/// the raster extension 1.x carried as `raster:bands`, which STAC 1.1 moved into the core), `gsd`
/// in metres for a projected grid, and the projection extension v2.0.0 (`proj:code` such as
/// "EPSG:32651", or null with `proj:wkt2`; shape, affine transform, bbox in the grid's CRS).
/// Asset hrefs are relative to the item. Nothing in it depends on the time of the run, so it is
/// as reproducible as the rasters it describes.
public enum StacItem {
    public static let version = "1.1.0"
    public static let extensions = [
        "https://stac-extensions.github.io/projection/v2.0.0/schema.json",
    ]

    /// The item as a JSON object.
    public static func make(scene: PreparedScene, rasters: [(name: String, title: String, unit: String, stats: BandStatistics)],
                            others: [String], softwareVersion: String) throws -> [String: Any] {
        let grid = scene.grid
        let b = grid.bounds()
        // The footprint in WGS 84, 8 points along each edge (a projected grid's edges curve).
        var ring: [SIMD2<Double>] = []
        for i in 0..<8 { ring.append(SIMD2(b.xmin + (b.xmax - b.xmin) * Double(i) / 8, b.ymin)) }
        for i in 0..<8 { ring.append(SIMD2(b.xmax, b.ymin + (b.ymax - b.ymin) * Double(i) / 8)) }
        for i in 0..<8 { ring.append(SIMD2(b.xmax - (b.xmax - b.xmin) * Double(i) / 8, b.ymax)) }
        for i in 0..<8 { ring.append(SIMD2(b.xmin, b.ymax - (b.ymax - b.ymin) * Double(i) / 8)) }
        let wgs84 = try CoordinateTransform(from: SpatialReference(definition: grid.crsWKT), to: SpatialReference(definition: "EPSG:4326"))
        let lonlat = try wgs84.transform(ring).map { SIMD2(round7($0.x), round7($0.y)) }
        let lons = lonlat.map(\.x), lats = lonlat.map(\.y)
        let t = grid.transform
        var properties: [String: Any] = [
            "datetime": NSNull(),
            "start_datetime": "\(scene.scene.periods.map { "\($0.month)" }.min() ?? "")-01T00:00:00Z",
            "end_datetime": endOfMonth(scene.scene.periods.map { "\($0.month)" }.max() ?? ""),
            "proj:shape": [grid.height, grid.width],
            "proj:transform": [t.pixelWidth, t.rowRotation, t.originX, t.columnRotation, t.pixelHeight, t.originY],
            "proj:bbox": [b.xmin, b.ymin, b.xmax, b.ymax],
            "sinkmap:version": softwareVersion,
            "sinkmap:scene": scene.scene.name,
        ]
        if let code = scene.crsEPSG.flatMap({ Int($0.split(separator: ":").last ?? "") }) {
            properties["proj:code"] = "EPSG:\(code)"
        } else {
            properties["proj:code"] = NSNull()
            properties["proj:wkt2"] = grid.crsWKT
        }
        // Ground sample distance in metres, for a projected grid (a geographic grid's pixel is no one distance).
        let srs = try SpatialReference(definition: grid.crsWKT)
        let gsd: Double? = srs.isGeographic ? nil : abs(t.pixelWidth) * srs.linearUnitMetres
        var assets: [String: Any] = [:]
        for r in rasters {
            let s = r.stats
            var asset: [String: Any] = [
                "href": "./\(r.name).tif",
                "type": "image/tiff; application=geotiff; profile=cloud-optimized",
                "title": r.title,
                "roles": ["data"],
                "bands": [[
                    "name": r.name,
                    "data_type": "float32",
                    "nodata": -9999,
                    "unit": r.unit,
                    "statistics": ["minimum": s.minimum, "maximum": s.maximum, "mean": s.mean, "stddev": s.stddev,
                                   "valid_percent": s.validPercent],
                ] as [String: Any]],
            ]
            if let gsd { asset["gsd"] = gsd }
            assets[r.name] = asset
            assets[r.name + "-style"] = ["href": "./\(r.name).qml", "type": "application/xml", "title": "QGIS style of \(r.name).tif",
                                         "roles": ["style"]] as [String: Any]
        }
        let types = ["csv": "text/csv", "gpkg": "application/geopackage+sqlite3", "json": "application/json"]
        for file in others {
            let ext = String(file.split(separator: ".").last ?? "")
            let key = file.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-")
            assets[key] = ["href": "./" + file, "type": types[ext] ?? "application/octet-stream",
                           "roles": [ext == "json" ? "metadata" : "data"]] as [String: Any]
        }
        return [
            "type": "Feature",
            "stac_version": version,
            "stac_extensions": extensions,
            "id": scene.scene.name,
            "geometry": ["type": "Polygon", "coordinates": [(lonlat + [lonlat[0]]).map { [$0.x, $0.y] }]] as [String: Any],
            "bbox": [lons.min()!, lats.min()!, lons.max()!, lats.max()!],
            "properties": properties,
            "links": [] as [Any],
            "assets": assets,
        ]
    }

    /// The JSON text (pretty, sorted keys) with a final newline.
    public static func json(_ item: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: item, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func round7(_ x: Double) -> Double { (x * 1e7).rounded() / 1e7 }

    /// "YYYY-MM" → the last second of that month, RFC 3339.
    static func endOfMonth(_ month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return month }
        let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = parts[0] % 4 == 0 && (parts[0] % 100 != 0 || parts[0] % 400 == 0)
        let d = parts[1] == 2 && leap ? 29 : days[max(0, min(11, parts[1] - 1))]
        return String(format: "%04d-%02d-%02dT23:59:59Z", parts[0], parts[1], d)
    }
}
