import Foundation
import GDALKit
import Testing
import TestSupport
import SinkmapArchive

/// A scene on an EPSG:4326 grid: unit areas are the ellipsoidal areas of their pixels.
@Suite struct GeographicAreaTests {
    static let width = 60, height = 40, pixel = 0.01
    static let west = 120.0, north = 40.0

    /// Writes a complete small scene in EPSG:4326 and returns the scene file.
    func writeScene(_ dir: TempDir) throws -> String {
        let g = try Fixtures.grid(crs: "EPSG:4326", originX: Self.west, originY: Self.north, pixel: Self.pixel,
                                  width: Self.width, height: Self.height)
        let n = g.pixelCount
        try Fixtures.raster(dir.file("lc.tif"), grid: g, bands: [[Float](repeating: 4, count: n)], type: .byte, nodata: 0)
        let ndvi: [[Float]] = (0..<12).map { m in (0..<n).map { 0.2 + 0.04 * Float(min(m, 11 - m)) + Float($0 % 7) * 0.01 } }
        let temp: [[Float]] = (0..<12).map { m in [Float](repeating: -5 + 2.5 * Float(min(m, 12 - m) * 2), count: n) }
        let prec: [[Float]] = (0..<12).map { m in [Float](repeating: 20 + 10 * Float(min(m, 11 - m)), count: n) }
        let srad: [[Float]] = (0..<12).map { m in [Float](repeating: 250 + 30 * Float(min(m, 11 - m)), count: n) }
        try Fixtures.raster(dir.file("ndvi.tif"), grid: g, bands: ndvi)
        try Fixtures.raster(dir.file("t.tif"), grid: g, bands: temp)
        try Fixtures.raster(dir.file("p.tif"), grid: g, bands: prec)
        try Fixtures.raster(dir.file("s.tif"), grid: g, bands: srad)
        // Two units split at 120.30°E, covering rows 0..<40 (the whole height).
        try Fixtures.polygons(dir.file("zones.gpkg"), layer: "units", crs: "EPSG:4326", fields: ["code", "name", "region"], features: [
            (Fixtures.rectangle(120.0, 39.6, 120.3, 40.0), ["A", "West", "R"]),
            (Fixtures.rectangle(120.3, 39.6, 120.6, 40.0), ["B", "East", "R"]),
        ])
        let header = "code,name,ecosystem,eps_max,ndvi_min,ndvi_max,agb_a,agb_b,root_shoot,c_above,c_below,c_soil,c_dead"
        try (header + "\n4,Deciduous broadleaf,forest,0.692,0.023,0.747,,,0.24,60,14,90,5\n")
            .write(toFile: dir.file("classes.csv"), atomically: true, encoding: .utf8)
        let periods = (1...12).map { m in
            "  - {month: 2023-\(m < 10 ? "0" : "")\(m), ndvi: ndvi.tif#\(m), temperature: t.tif#\(m), precipitation: p.tif#\(m), radiation: s.tif#\(m)}"
        }.joined(separator: "\n")
        let yaml = """
        name: geographic
        landcover: lc.tif
        parameters: classes.csv
        periods:
        \(periods)
        zones:
          path: zones.gpkg
          levels:
            - {name: unit, id: code, label: name}
            - {name: region, id: region}
        """
        try yaml.write(toFile: dir.file("scene.yaml"), atomically: true, encoding: .utf8)
        return dir.file("scene.yaml")
    }

    /// Area (m²) of a cell between two latitudes spanning `dLon` degrees on the WGS 84
    /// ellipsoid, by Gauss–Legendre integration of the area element
    /// M(φ)·N(φ)·cos φ = a²(1 − e²) cos φ / (1 − e² sin² φ)² — not the closed form the engine uses.
    static func cellArea(lat1: Double, lat2: Double, dLon: Double) -> Double {
        let a = 6378137.0, f = 1 / 298.257223563
        let e2 = f * (2 - f)
        let nodes = [-0.9061798459386640, -0.5384693101056831, 0, 0.5384693101056831, 0.9061798459386640]
        let weights = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891]
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
        var integral = 0.0
        for (x, w) in zip(nodes, weights) {
            let phi = (p1 + p2) / 2 + (p2 - p1) / 2 * x
            let s = sin(phi)
            integral += w * a * a * (1 - e2) * cos(phi) / ((1 - e2 * s * s) * (1 - e2 * s * s))
        }
        return abs(integral * (p2 - p1) / 2 * dLon * .pi / 180)
    }

    @Test func unitAreasAreEllipsoidalPixelAreas() throws {
        let dir = TempDir("geo")
        let scene = try writeScene(dir)
        let r = try sinkmap("run", scene, "--out", dir.file("out"), "--quiet", "--tile-size", "16")
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try ZonalCSV(path: dir.file("out/zonal.csv"))
        // Each unit: 30 columns × 40 rows; a row's pixels share one area.
        var expected = 0.0
        for row in 0..<Self.height {
            let lat1 = Self.north - Double(row) * Self.pixel, lat2 = lat1 - Self.pixel
            expected += 30 * Self.cellArea(lat1: lat1, lat2: lat2, dLon: Self.pixel)
        }
        let rowArea0 = Self.cellArea(lat1: 40, lat2: 39.99, dLon: 0.01)
        let rowArea39 = Self.cellArea(lat1: 39.61, lat2: 39.60, dLon: 0.01)
        #expect(rowArea39 > rowArea0)  // the pixel area changes with latitude
        for unit in ["A", "B"] {
            let row = try #require(csv.rows(level: "unit", ecosystem: "all", redline: "all").first { $0["unit_id"] == unit })
            #expect(row["pixels"] == "1200")
            let areaHa = Double(row["area_ha"]!)!
            #expect(abs(areaHa - expected / 1e4) <= 1e-6 * expected / 1e4, "unit \(unit): \(areaHa) ha vs \(expected / 1e4)")
            // Carbon = Σ C_total · area_ha with C_total = 60 + 14 + 90 + 5 Mg C/ha (no lidar).
            #expect(abs(Double(row["carbon_tc"]!)! - 169 * expected / 1e4) <= 1e-6 * 169 * expected / 1e4)
        }
        // The planar cell size would be wrong by far more than the tolerance.
        #expect(abs(expected / 1200 - rowArea0) / rowArea0 > 1e-4)
    }

    /// Exact coverage on the geographic grid: units cut through pixels (at 120.3037°E, and with
    /// edges at 39.6043°N and 39.9951°N) get their ellipsoidal area within 1e-4 — each pixel's
    /// fraction (in degrees) × its ellipsoidal area, which slightly misplaces area within a pixel.
    @Test func exactCoverageGivesEllipsoidalPolygonAreas() throws {
        let dir = TempDir("geo-exact")
        let scene = try writeScene(dir)
        let (w, s, e, n, cut) = (120.0, 39.6043, 120.6, 39.9951, 120.3037)
        try Fixtures.polygons(dir.file("zones.gpkg"), layer: "units", crs: "EPSG:4326", fields: ["code", "name", "region"], features: [
            (Fixtures.rectangle(w, s, cut, n), ["A", "West", "R"]),
            (Fixtures.rectangle(cut, s, e, n), ["B", "East", "R"]),
        ])
        let r = try sinkmap("run", scene, "--out", dir.file("out"), "--quiet")
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try ZonalCSV(path: dir.file("out/zonal.csv"))
        for (unit, west, east) in [("A", w, cut), ("B", cut, e)] {
            let expected = Self.cellArea(lat1: s, lat2: n, dLon: east - west) / 1e4
            let row = try #require(csv.rows(level: "unit", ecosystem: "all", redline: "all").first { $0["unit_id"] == unit })
            let got = Double(row["area_ha"]!)!
            #expect(abs(got - expected) <= 1e-4 * expected, "unit \(unit): \(got) ha vs \(expected)")
        }
    }
}
