import Foundation
import GDALKit
import SinkmapScene
import SinkmapArchive
import SinkmapZones
import SinkmapAccounting
import SinkmapBase

/// `estimates.csv` of a run whose scene has a `plots` block: per unit of every level, the map's
/// AGB total corrected by the plots' residuals (`DifferenceEstimate`), with its design-based
/// standard error and 90 % interval; `agb_carbon_tc` is the same × the carbon fraction.
public enum Estimates {
    /// Fewest plots whose residuals a unit uses; a unit with fewer borrows its nearest coarser
    /// unit's that has this many.
    public static let minPlots = 5

    /// The scene's plots, refused in one line when any lies outside the grid or has a missing or
    /// negative AGB (checked before the run computes anything).
    public static func plots(_ scene: PreparedScene) throws -> [FieldPlot] {
        guard let spec = scene.scene.accounting.plots, let path = scene.plotsPath else { return [] }
        let source = PlotSource(path: path, layer: spec.layer, agbField: spec.agb, idField: spec.id, radius: spec.radius)
        let plots: [FieldPlot]
        do { plots = try source.read(grid: scene.grid) } catch let r as Refusal {
            throw Refusal("plots: " + r.description)
        }
        let reader = PredictorReader(scene: scene)
        let badAGB = plots.filter { !($0.agb.map { $0 >= 0 } ?? false) }.map(\.id)
        let outside = plots.filter { reader.cells(of: $0).isEmpty }.map(\.id)
        var parts: [String] = []
        if !outside.isEmpty { parts.append("\(outside.count) \(BadPlot.outsideGrid.rawValue) (\(PlotSource.ids(outside)))") }
        if !badAGB.isEmpty { parts.append("\(badAGB.count) \(BadPlot.badAGB.rawValue) (\(PlotSource.ids(badAGB)))") }
        if !parts.isEmpty {
            throw Refusal("plots: \(path): \(parts.joined(separator: "; ")); remove or fix them")
        }
        return plots
    }

    /// The table, from the map's `agb.tif` (on the scene's grid) and the scene's `plots`.
    public static func csv(scene: PreparedScene, plots: [FieldPlot], agbRaster: String) throws -> String {
        let grid = scene.grid
        let agb = try AGBWindows(path: agbRaster)
        let shapes = try scene.zoneShapes.onGrid.map { wkb in try wkb.map { try ZoneCoverage.pixelPolygons($0, grid: grid, path: scene.zonesPath) } }
        let (mapTotal, area) = try finestMapTotals(scene, agb: agb, shapes: shapes)
        let residuals = try finestResiduals(plots, scene: scene, agb: agb, shapes: shapes)
        return table(scene, mapTotal: mapTotal, area: area, residuals: residuals)
    }

    /// Windows of the map's AGB band, with its scale, offset and nodata (NaN).
    struct AGBWindows {
        let dataset: Dataset
        let info: BandInfo
        init(path: String) throws {
            dataset = try Dataset(path: path)
            info = try dataset.bandInfo(1)
        }
        func read(_ w: Window) throws -> [Float] {
            var v = [Float](repeating: .nan, count: w.pixelCount)
            try v.withUnsafeMutableBufferPointer {
                try dataset.read(band: 1, window: w, scale: info.scale, offset: info.offset, nodata: info.nodata, into: $0.baseAddress!)
            }
            return v
        }
    }

    /// Map totals (Mg) and areas (ha) of the finest units: exact coverage of their polygons.
    static func finestMapTotals(_ scene: PreparedScene, agb: AGBWindows, shapes: [[[[CoverageFractions.Point]]]?]) throws
        -> (total: [Double], area: [Double]) {
        let grid = scene.grid, zones = scene.zones
        let srs = try SpatialReference(definition: grid.crsWKT)
        let rowArea = PixelArea(grid: grid, isGeographic: scene.isGeographic, semiMajor: scene.ellipsoid.semiMajor,
                                inverseFlattening: scene.ellipsoid.inverseFlattening,
                                linearUnitMetres: scene.isGeographic ? 1 : srs.linearUnitMetres).rowArea
        var mapTotal = [Double](repeating: 0, count: zones.finestCount), area = mapTotal
        var scratch = CoverageFractions.Scratch()
        for (k, polygon) in shapes.enumerated() {
            guard let polygon, let e = CoverageFractions.accumulate(polygon, width: grid.width, height: grid.height, scratch: &scratch) else { continue }
            let values = try agb.read(Window(col: e.col, row: e.row, width: e.width, height: e.height))
            let u = zones.featureToFinest[k]
            scratch.forEachRow(e) { r, f in
                let ha = rowArea[e.row + r] / 10_000
                var s = 0.0, a = 0.0
                for c in 0..<e.width {
                    let v = values[r * e.width + c]
                    a += f[c]
                    if !v.isNaN { s += f[c] * Double(v) }
                }
                mapTotal[u] += s * ha
                area[u] += a * ha
            }
        }
        return (mapTotal, area)
    }

    /// Each plot's residual (observed − map over its footprint), by the finest unit it lies in.
    static func finestResiduals(_ plots: [FieldPlot], scene: PreparedScene, agb: AGBWindows, shapes: [[[[CoverageFractions.Point]]]?]) throws -> [[Double]] {
        let grid = scene.grid, zones = scene.zones
        let reader = PredictorReader(scene: scene)
        var residuals: [[Double]] = Array(repeating: [], count: zones.finestCount)
        for p in plots {
            guard let u = finestUnit(of: p.location, shapes: shapes, grid: grid, zones: zones) else { continue }
            var s = 0.0, w = 0.0
            for (cell, f) in reader.cells(of: p) {
                let v = try agb.read(Window(col: cell % grid.width, row: cell / grid.width, width: 1, height: 1))[0]
                if !v.isNaN { s += f * Double(v); w += f }
            }
            if w > 0 { residuals[u].append(p.agb! - s / w) }
        }
        return residuals
    }

    /// The CSV: per unit of every level, the sums of its finest units and the difference
    /// estimate from its residuals (or its nearest coarser unit's with at least `minPlots`).
    static func table(_ scene: PreparedScene, mapTotal: [Double], area: [Double], residuals: [[Double]]) -> String {
        let zones = scene.zones
        let cf = scene.scene.options.carbonFraction
        var out = "level,unit_id,unit_name,quantity,map_total,plots,residuals_from,mean_residual,estimate,se,ci90_low,ci90_high,precision\n"
        for (l, level) in zones.levels.enumerated() {
            // Per unit of every level: the sums of its finest units.
            let n = zones.units[l].count
            var total = [Double](repeating: 0, count: n), unitArea = total
            var res: [[Double]] = Array(repeating: [], count: n)
            for f in 0..<zones.finestCount {
                let u = zones.finestToUnit[l][f]
                total[u] += mapTotal[f]; unitArea[u] += area[f]; res[u] += residuals[f]
            }
            for (u, unit) in zones.units[l].enumerated() {
                var from: (level: Int, unit: Int)? = res[u].count >= minPlots ? (l, u) : nil
                if from == nil, let f = zones.finestToUnit[l].firstIndex(of: u) {
                    for up in (l + 1)..<max(l + 1, zones.levels.count) {
                        let a = zones.finestToUnit[up][f]
                        let count = (0..<zones.finestCount).filter { zones.finestToUnit[up][$0] == a }.reduce(0) { $0 + residuals[$1].count }
                        if count >= minPlots { from = (up, a); break }
                    }
                }
                var e: [Double] = []
                if let from {
                    e = (0..<zones.finestCount).filter { zones.finestToUnit[from.level][$0] == from.unit }.flatMap { residuals[$0] }
                    if from.level == l { e = res[u] }
                }
                for (quantity, factor) in [("agb_t", 1.0), ("agb_carbon_tc", cf)] {
                    var row = [level.name, unit.id, unit.name, quantity].map(ZonalTable.quote)
                    row += [text(total[u] * factor), String(res[u].count)]
                    if let from, let d = DifferenceEstimate.of(mapTotal: total[u] * factor, area: unitArea[u], residuals: e.map { $0 * factor }) {
                        row.append(ZonalTable.quote("\(zones.levels[from.level].name):\(zones.units[from.level][from.unit].id)"))
                        row += [d.meanResidual, d.estimate, d.se, d.low, d.high].map(text)
                        row.append(d.precision.map(text) ?? "")
                    } else {
                        row += Array(repeating: "", count: 7)
                    }
                    out += row.joined(separator: ",") + "\n"
                }
            }
        }
        return out
    }

    static func text(_ x: Double) -> String { "\(x)" }

    /// The finest unit whose polygon contains `point` (grid CRS): even-odd rule over the rings
    /// of each zone polygon in pixel space; the first feature in layer order on a boundary.
    static func finestUnit(of point: SIMD2<Double>, shapes: [[[[SIMD2<Double>]]]?], grid: Grid, zones: ZoneHierarchy) -> Int? {
        let t = grid.transform
        let p = (point - SIMD2(t.originX, t.originY)) / SIMD2(t.pixelWidth, t.pixelHeight)
        for (k, polygon) in shapes.enumerated() {
            guard let polygon else { continue }
            for part in polygon {
                var inside = false
                for ring in part where ring.count >= 3 {
                    var j = ring.count - 1
                    for i in ring.indices {
                        let a = ring[i], b = ring[j]
                        if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                        j = i
                    }
                }
                if inside { return zones.featureToFinest[k] }
            }
        }
        return nil
    }
}
