import Foundation
import GDALKit
import Testing
import TestSupport

/// Two-digit month of index m = 0..11.
public func mm(_ m: Int) -> String { m < 9 ? "0\(m + 1)" : "\(m + 1)" }

/// A value as stored in a Float32 raster.
public func f32(_ x: Double) -> Double { Double(Float(x)) }

public func uniform(_ g: inout SeededGenerator, _ lo: Double, _ hi: Double) -> Double {
    lo + (hi - lo) * Double(g.next() >> 11) / 9_007_199_254_740_992
}

/// What one output pixel should hold (nil: nodata).
public struct PixelExpectation {
    public var npp: Double?, rh: Double?, nep: Double?, agb: Double?, carbon: Double?
}

/// A scene of width × height pixels of 30 m in EPSG:32651, its inputs kept as the Double
/// values of what is written (Float32): the SPEC's worked-example months, varied per pixel
/// (temperature shift, precipitation, radiation and NDVI scale) and a little per month.
/// Land cover: class 4 (forest, with allometry) and 10 (grassland, table pools), one nodata pixel.
public struct MiniScene {
    public static let originX = 500_000.0, originY = 3_300_000.0

    public let width: Int, height: Int
    public var n: Int { width * height }
    public var landcover: [Int]
    /// [month][pixel]; NaN is nodata.
    public var ndvi: [[Double]], temperature: [[Double]], precipitation: [[Double]], radiation: [[Double]]
    /// Canopy height, metres (nil per pixel: nodata; nil as a whole: no lidar).
    public var canopyHeight: [Double?]?
    public var rh: SpecModel.Rh = .pei2009
    /// Units A and B of zones.gpkg meet at the left edge of this column.
    public var splitColumn = 4

    public static let baseT: [Double] = [-12, -4, 3, 10, 16, 21, 24, 23, 17, 9, 1, -8]
    public static let baseP: [Double] = [2, 5, 12, 30, 55, 90, 140, 120, 60, 25, 8, 3]
    public static let baseSOL: [Double] = [230, 300, 420, 520, 600, 640, 620, 560, 450, 340, 240, 200]
    public static let baseNDVI = [0.10, 0.12, 0.18, 0.30, 0.48, 0.62, 0.71, 0.69, 0.55, 0.36, 0.20, 0.12]

    public init(width: Int, height: Int, seed: UInt64) {
        self.width = width
        self.height = height
        let n = width * height
        var g = SeededGenerator(seed: seed)
        landcover = (0..<n).map { i in i == 5 ? 0 : ((i % width + i / width) % 3 == 2 ? 10 : 4) }
        ndvi = Array(repeating: [], count: 12)
        temperature = ndvi
        precipitation = ndvi
        radiation = ndvi
        for _ in 0..<n {
            // Per-pixel shifts keep every month clear of the model's thresholds (T ≤ −10,
            // T_opt − 13) and July the clear NDVI maximum.
            let dT = uniform(&g, -1, 1), pScale = uniform(&g, 0.6, 1.4)
            let sScale = uniform(&g, 0.85, 1.15), nScale = uniform(&g, 0.8, 1.1)
            for m in 0..<12 {
                temperature[m].append(f32(Self.baseT[m] + dT + uniform(&g, -0.2, 0.2)))
                precipitation[m].append(f32(Self.baseP[m] * pScale * uniform(&g, 0.95, 1.05)))
                radiation[m].append(f32(Self.baseSOL[m] * sScale * uniform(&g, 0.98, 1.02)))
                ndvi[m].append(f32(Self.baseNDVI[m] * nScale + uniform(&g, -0.005, 0.005)))
            }
        }
    }

    /// Heights of 1–35 m with one nodata pixel (row 2, column 2: forest).
    public func randomHeights(seed: UInt64) -> [Double?] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { i in i == 2 * width + 2 ? nil : f32(uniform(&g, 1, 35)) }
    }

    public func lattice() throws -> Grid {
        try Fixtures.grid(crs: "EPSG:32651", originX: Self.originX, originY: Self.originY, pixel: 30, width: width, height: height)
    }

    /// Pixels of unit A (columns 0..<splitColumn) and B (the rest).
    public func units() -> [String: [Int]] {
        ["A": (0..<n).filter { $0 % width < splitColumn }, "B": (0..<n).filter { $0 % width >= splitColumn }]
    }

    /// Writes land cover, climate, NDVI (unless `ndviLines` names other files), the table,
    /// the zones and the scene file; returns the scene's path.
    public func write(to dir: TempDir, ndviLines: ((Int) -> [String])? = nil, extra: [String] = []) throws -> String {
        let g = try lattice()
        func planes(_ v: [[Double]]) -> [[Float]] { v.map { $0.map { $0.isNaN ? -9999 : Float($0) } } }
        try Fixtures.raster(dir.file("lc.tif"), grid: g, bands: [landcover.map(Float.init)], type: .byte, nodata: 0)
        try Fixtures.raster(dir.file("t.tif"), grid: g, bands: planes(temperature), nodata: -9999)
        try Fixtures.raster(dir.file("p.tif"), grid: g, bands: planes(precipitation), nodata: -9999)
        try Fixtures.raster(dir.file("s.tif"), grid: g, bands: planes(radiation), nodata: -9999)
        if ndviLines == nil { try Fixtures.raster(dir.file("ndvi.tif"), grid: g, bands: planes(ndvi), nodata: -9999) }
        let east = Self.originX + Double(width) * 30, south = Self.originY - Double(height) * 30
        let splitX = Self.originX + Double(splitColumn) * 30
        try Fixtures.polygons(dir.file("zones.gpkg"), layer: "units", crs: "EPSG:32651", fields: ["code", "name", "region"], features: [
            (Fixtures.rectangle(Self.originX, south, splitX, Self.originY), ["A", "West", "R"]),
            (Fixtures.rectangle(splitX, south, east, Self.originY), ["B", "East", "R"]),
        ])
        let table = """
        code,name,ecosystem,eps_max,ndvi_min,ndvi_max,agb_a,agb_b,root_shoot,c_above,c_below,c_soil,c_dead
        4,Deciduous broadleaf,forest,0.692,0.023,0.747,14.574468,0.952,0.24,60,14,90,5
        10,Grassland,grassland,0.542,0.023,0.747,,,0.5,3,6,60,1

        """
        try table.write(toFile: dir.file("classes.csv"), atomically: true, encoding: .utf8)
        var lines = ["name: scene-path-test", "landcover: lc.tif", "parameters: classes.csv"] + extra + ["periods:"]
        for m in 0..<12 {
            lines.append("  - month: 2023-\(mm(m))")
            for l in ndviLines?(m) ?? ["ndvi: ndvi.tif#\(m + 1)"] { lines.append("    " + l) }
            lines += ["    temperature: t.tif#\(m + 1)", "    precipitation: p.tif#\(m + 1)", "    radiation: s.tif#\(m + 1)"]
        }
        lines += ["zones:", "  path: zones.gpkg", "  levels:",
                  "    - {name: unit, id: code, label: name}", "    - {name: region, id: region}"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("scene.yaml"), atomically: true, encoding: .utf8)
        return dir.file("scene.yaml")
    }

    /// The expected outputs of every pixel, from `SpecModel`.
    public func expected(carbonFraction cf: Double = 0.47) -> [PixelExpectation] {
        (0..<n).map { i in
            guard let c = SpecModel.classes[landcover[i]] else { return PixelExpectation() }
            let h = canopyHeight.flatMap { $0[i] }
            let stock = SpecModel.stock(c, height: h, cf: cf)
            var e = PixelExpectation(agb: stock.agb, carbon: stock.total)
            let v = (0..<12).map { ndvi[$0][i] }, t = (0..<12).map { temperature[$0][i] }
            let p = (0..<12).map { precipitation[$0][i] }, s = (0..<12).map { radiation[$0][i] }
            guard !(v + t + p + s).contains(where: \.isNaN) else { return e }
            e.npp = SpecModel.npp(c, ndvi: v, t: t, p: p, sol: s)
            e.rh = SpecModel.rh(rh, t: t, p: p)
            e.nep = e.npp! - e.rh!
            return e
        }
    }
}

// MARK: - SPEC §3, written out for the tests
