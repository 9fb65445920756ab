import Foundation
import GDALKit
import Testing

/// A MiniScene with a canopy height model and field plots at pixel centres: forest plots whose
/// AGB follows a known allometry with multiplicative log-normal noise, a few grassland plots.
public struct PlotScene {
    public static let trueA = 14.574468, trueB = 0.952, sigma = 0.2
    public var scene: MiniScene
    public var heights: [Double?]
    /// (id, pixel, AGB text) of each plot.
    public var plots: [(id: String, pixel: Int, agb: String)] = []

    public init(seed: UInt64, forestPlots: Int = 80, grassPlots: Int = 6) {
        scene = MiniScene(width: 20, height: 15, seed: seed)
        heights = scene.randomHeights(seed: seed + 1)
        scene.canopyHeight = heights
        var g = SeededGenerator(seed: seed + 2)
        let forest = (0..<scene.n).filter { scene.landcover[$0] == 4 && heights[$0] != nil }
        let grass = (0..<scene.n).filter { scene.landcover[$0] == 10 && heights[$0] != nil }
        for (k, i) in forest.prefix(forestPlots).enumerated() {
            // Box–Muller normal deviate.
            let u1 = uniform(&g, 1e-12, 1), u2 = uniform(&g, 0, 1)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let agb = Self.trueA * pow(heights[i]!, Self.trueB) * exp(Self.sigma * z)
            plots.append(("F\(k + 1)", i, "\(agb)"))
        }
        for (k, i) in grass.prefix(grassPlots).enumerated() {
            plots.append(("G\(k + 1)", i, "\(uniform(&g, 5, 20))"))
        }
    }

    /// The centre of pixel i in EPSG:32651.
    public func centre(_ i: Int) -> (x: Double, y: Double) {
        (MiniScene.originX + (Double(i % scene.width) + 0.5) * 30, MiniScene.originY - (Double(i / scene.width) + 0.5) * 30)
    }

    /// Writes the scene (with chm.tif) and plots.gpkg (points, fields id and agb, plus `extra`
    /// features); returns the scene's path.
    public func write(to dir: TempDir, extra: [(wkt: String, values: [String])] = []) throws -> String {
        try Fixtures.raster(dir.file("chm.tif"), grid: scene.lattice(), bands: [heights.map { $0.map(Float.init) ?? -9999 }], nodata: -9999)
        let path = try scene.write(to: dir, extra: ["canopy_height: chm.tif"])
        let features = plots.map { p -> (wkt: String, values: [String]) in
            let c = centre(p.pixel)
            return ("POINT (\(c.x) \(c.y))", [p.id, p.agb])
        }
        try Fixtures.polygons(dir.file("plots.gpkg"), layer: "plots", crs: "EPSG:32651", fields: ["id", "agb"], features: features + extra)
        return path
    }
}

public func readJSON(_ path: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
}

public func relativeDifference(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
