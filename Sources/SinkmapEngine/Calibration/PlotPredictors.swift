import Foundation
import GDALKit
import SinkmapGrid
import SinkmapScene
import SinkmapZones

/// What the scene says about one plot's footprint on its grid.
public struct PlotPredictors: Sendable, Equatable {
    /// Canopy height (m): the coverage-weighted mean over the footprint of the height the map
    /// uses (clamp(H, 0, 100) per pixel), over the pixels with a height.
    public var height: Double
    /// Largest, and 95th percentile (linear between order statistics, numpy's default), of
    /// those pixels' heights (every pixel the footprint touches counts once).
    public var heightMax: Double, heightP95: Double
    /// Coverage-weighted mean over the footprint of each pixel's annual mean, and annual
    /// maximum, NDVI (over its valid months; a footprint without any is a `BadPlot`).
    public var ndviMean: Double, ndviMax: Double
    /// The land-cover code covering most of the footprint (the smallest code on a tie); nil
    /// when no covered pixel has a land cover.
    public var landcover: Int?

    /// The predictors kNN measures distances in, in this order.
    public var vector: [Double] { [height, heightMax, heightP95, ndviMean, ndviMax] }
    public static let names = ["height", "height_max", "height_p95", "ndvi_mean", "ndvi_max"]
}

/// Why a plot cannot be used (`calibrate` refuses, or with `--skip-bad` leaves it out).
public enum BadPlot: String, Error, Sendable, CaseIterable {
    case outsideGrid = "outside the grid"
    case noCanopy = "without canopy height"
    case noNDVI = "without NDVI"
    case badAGB = "with a missing or negative AGB"
    case noClass = "whose class is not in the parameter table"
}

/// Reads the scene's inputs over each plot's footprint: canopy height (CHM or DSM − DTM), the
/// 12 NDVI planes (or red/NIR), the land cover. One handle per input file, opened once.
public final class PredictorReader {
    let scene: PreparedScene
    var handles: [String: Dataset] = [:]

    public init(scene: PreparedScene) { self.scene = scene }

    func read(_ r: AlignedRaster, _ w: Window) throws -> [Float] {
        let ds: Dataset
        if let h = handles[r.key] { ds = h } else { ds = try r.open(); handles[r.key] = ds }
        var out = [Float](repeating: .nan, count: w.pixelCount)
        try out.withUnsafeMutableBufferPointer { try r.read(w, from: ds, into: $0.baseAddress!) }
        for i in out.indices where !out[i].isFinite || abs(out[i]) > Bands.maxInputMagnitude { out[i] = .nan }
        return out
    }

    /// The cells of a plot's footprint with their coverage fractions (row-major grid indices);
    /// empty when the footprint misses the grid.
    public func cells(of plot: FieldPlot) -> [(cell: Int, fraction: Double)] {
        let g = scene.grid
        if plot.footprint.isEmpty {
            let t = g.transform
            let c = ((plot.location.x - t.originX) / t.pixelWidth).rounded(.down)
            let r = ((plot.location.y - t.originY) / t.pixelHeight).rounded(.down)
            guard c >= 0, r >= 0, c < Double(g.width), r < Double(g.height) else { return [] }
            return [(Int(r) * g.width + Int(c), 1)]
        }
        return CoverageFractions.fractions(of: plot.footprint, width: g.width, height: g.height)
    }

    /// The predictors of one plot, or why it has none.
    public func predictors(of plot: FieldPlot) throws -> Result<PlotPredictors, BadPlot> {
        let cells = self.cells(of: plot)
        guard !cells.isEmpty else { return .failure(.outsideGrid) }
        guard let canopy = scene.canopy else { return .failure(.noCanopy) }
        let width = scene.grid.width
        var c0 = Int.max, r0 = Int.max, c1 = 0, r1 = 0
        for (cell, _) in cells {
            c0 = min(c0, cell % width); c1 = max(c1, cell % width)
            r0 = min(r0, cell / width); r1 = max(r1, cell / width)
        }
        let w = Window(col: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1)
        let local = cells.map { (i: ($0.cell / width - r0) * w.width + $0.cell % width - c0, f: $0.fraction) }

        var h: [Float]
        switch canopy {
        case .chm(let r): h = try read(r, w)
        case .dsmDtm(let dsm, let dtm):
            h = try read(dsm, w)
            let t = try read(dtm, w)
            for i in h.indices { h[i] -= t[i] }
        }
        var hs = 0.0, hw = 0.0, heights: [Double] = []
        for (i, f) in local where !h[i].isNaN {
            let x = min(max(Double(h[i]), 0), 100)
            hs += f * x; hw += f
            heights.append(x)
        }
        guard hw > 0 else { return .failure(.noCanopy) }
        heights.sort()

        // NDVI: per pixel the annual mean and maximum over the valid months.
        var sum = [Double](repeating: 0, count: w.pixelCount), top = [Double](repeating: -.infinity, count: w.pixelCount)
        var months = [Int](repeating: 0, count: w.pixelCount)
        for period in scene.ndvi {
            var v: [Float]
            switch period {
            case .ndvi(let r): v = try read(r, w)
            case .redNir(let red, let nir):
                v = try read(nir, w)
                let rd = try read(red, w)
                for i in v.indices { let s = v[i] + rd[i]; v[i] = s == 0 ? .nan : (v[i] - rd[i]) / s }
            }
            for i in v.indices where !v[i].isNaN {
                sum[i] += Double(v[i]); top[i] = max(top[i], Double(v[i])); months[i] += 1
            }
        }
        var ns = 0.0, nx = 0.0, nw = 0.0
        for (i, f) in local where months[i] > 0 {
            ns += f * sum[i] / Double(months[i]); nx += f * top[i]; nw += f
        }
        guard nw > 0 else { return .failure(.noNDVI) }

        let lc = try read(scene.landcover, w)
        var byCode: [Int: Double] = [:]
        for (i, f) in local where !lc[i].isNaN { byCode[Int(lc[i]), default: 0] += f }
        let code = byCode.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key

        return .success(PlotPredictors(height: hs / hw, heightMax: heights.last!, heightP95: Self.percentile(heights, 0.95),
                                       ndviMean: ns / nw, ndviMax: nx / nw,
                                       landcover: code))
    }

    /// The q-quantile of sorted values, linear between order statistics (numpy's default).
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let x = q * Double(sorted.count - 1)
        let lo = Int(x.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (x - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
