import Foundation
import GDALKit
import SinkmapScene
import SinkmapArchive
import SinkmapSchedule
import SinkmapZones
import SinkmapAccounting
import SinkmapBase

/// Mergeable statistics of one polygon over a band: count, sum, area, min, max.
public struct BandStats: Sendable, Equatable {
    public var count: Int64 = 0
    /// Σ coverage fraction of the pixels counted (= count by pixel centre).
    public var coverage: Double = 0
    public var sum: Double = 0
    /// Σ pixel area, m².
    public var area: Double = 0
    public var min: Float = .infinity
    public var max: Float = -.infinity

    public mutating func merge(_ o: BandStats) {
        count += o.count
        coverage += o.coverage
        sum += o.sum
        area += o.area
        min = Swift.min(min, o.min)
        max = Swift.max(max, o.max)
    }
}

/// `sinkmap zonal`: statistics of a band over each polygon, on the raster's own grid, with
/// true pixel areas (`PixelArea`).
/// - `exact` coverage (default): each polygon on its own, weighted by `CoverageFractions`
///   (see `exact`), as exactextract does; polygons may overlap.
/// - `centre` coverage: the run's machinery — polygons burnt once by pixel centre
///   (`ZoneRasters.burn`), tiles from a `TileQueue` with one GDAL handle per worker; each
///   tile's partials kept by tile index and merged in tile order, so the Double sums are the
///   same for any number of threads; where polygons overlap, a pixel counts for the last one.
public struct ZonalStatistics: Sendable {
    public static let tileSize = 512
    public var ids: [String]
    public var stats: [BandStats]

    public static func compute(raster: String, band: Int, zones: String, layer layerName: String?, idField: String?,
                               threads: Int, coverage: Coverage = .exact) throws -> ZonalStatistics {
        GDAL.limitCache(megabytes: 64)
        // Each polygon reads its bounding box once: for an uncompressed GeoTIFF, read it straight
        // from the file instead of through the block cache (no second copy of every block; less
        // memory, fewer page faults). No effect on other formats. The user's setting wins.
        if GDAL.config("GTIFF_DIRECT_IO") == nil { GDAL.setConfig("GTIFF_DIRECT_IO", "YES") }
        let ds = try Dataset(path: raster)
        let info = try ds.bandInfo(band)
        let grid = try ds.grid()
        let srs = try SpatialReference(definition: grid.crsWKT)
        let layer = try VectorDataset(path: zones).layer(layerName)
        let features = try layer.features(fields: idField.map { [$0] } ?? [])
        let ids = features.map { f in idField.map { f.fields[$0] ?? "" } ?? String(f.fid) }
        let shapes: LayerShapes
        do {
            shapes = try LayerShapes.read(features, layer: layer, grid: srs)
        } catch let r as Refusal {
            throw GDALError(operation: "read zones", path: zones, message: r.description)
        }
        let area = PixelArea(grid: grid, isGeographic: srs.isGeographic, semiMajor: srs.ellipsoid.semiMajor,
                             inverseFlattening: srs.ellipsoid.inverseFlattening,
                             linearUnitMetres: srs.isGeographic ? 1 : srs.linearUnitMetres)
        if coverage == .exact {
            let stats = try exact(raster: raster, band: band, info: info, grid: grid, shapes: shapes, path: zones,
                                  rowArea: area.rowArea, threads: threads)
            return ZonalStatistics(ids: ids, stats: stats)
        }

        let burnt = FileManager.default.temporaryDirectory.path + "/sinkmap-zonal-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tif"
        defer { try? FileManager.default.removeItem(atPath: burnt) }
        try ZoneRasters.burn(shapes.onGrid, path: zones, into: burnt, grid: grid, type: .uint32) { Double($0 + 1) }

        let tiles = Tiling.tiles(of: grid, tileSize: tileSize)
        let workers = Workers.count(threads, items: tiles.count)
        // Per worker: (tile index, the polygons that tile touched, with their partials).
        let queue = TileQueue<[(Int, [(Int, BandStats)])]>(tiles: tiles.count, workers: workers)
        try queue.run(workers: workers) { wi, queue in
            var mine: [(Int, [(Int, BandStats)])] = []
            let values = UnsafeMutablePointer<Float>.allocate(capacity: tileSize * tileSize)
            let zone = UnsafeMutablePointer<UInt32>.allocate(capacity: tileSize * tileSize)
            defer { values.deallocate(); zone.deallocate() }
            do {
                let src = try Dataset(path: raster)
                let z = try Dataset(path: burnt)
                // Dense partials for this tile, and which polygons it touched.
                var local = [BandStats](repeating: BandStats(), count: ids.count)
                var touched: [Int] = []
                while let t = queue.take() {
                    let w = tiles[t]
                    try src.read(band: band, window: w, scale: info.scale, offset: info.offset, nodata: info.nodata, into: values)
                    try z.readRaw(band: 1, window: w, type: .uint32, into: zone)
                    local.withUnsafeMutableBufferPointer { stats in
                        for r in 0..<w.height {
                            let a = area.rowArea[w.row + r]
                            for c in 0..<w.width {
                                let i = r * w.width + c
                                let k = Int(zone[i]), v = values[i]
                                if k == 0 || v.isNaN { continue }
                                if stats[k - 1].count == 0 { touched.append(k - 1) }
                                stats[k - 1].add(v, area: a)
                            }
                        }
                    }
                    touched.sort()
                    mine.append((t, touched.map { ($0, local[$0]) }))
                    for k in touched { local[k] = BandStats() }
                    touched.removeAll(keepingCapacity: true)
                    _ = queue.done()
                }
            } catch {
                queue.fail(error)
            }
            queue.store(mine, worker: wi)
        }
        var total = [BandStats](repeating: BandStats(), count: ids.count)
        let partials = queue.results.compactMap { $0 }.flatMap { $0 }.sorted { $0.0 < $1.0 }
        for (_, polygons) in partials { for (k, s) in polygons { total[k].merge(s) } }
        return ZonalStatistics(ids: ids, stats: total)
    }

    /// CSV: id, count, sum, mean, min, max, area_m2 (empty statistics where a polygon covers no
    /// valid pixel). With exact coverage count is the sum of the valid pixels' coverage fractions,
    /// sum and area are coverage-weighted, mean is sum / count (as exactextract's).
    public func csv() -> String {
        var out = "id,count,sum,mean,min,max,area_m2\n"
        for (id, s) in zip(ids, stats) {
            let idText = ZonalTable.quote(id)
            if s.count == 0 {
                out += "\(idText),0,,,,,0\n"
                continue
            }
            out += "\(idText),\(NumberText.shortest(s.coverage)),\(s.sum),\(s.sum / s.coverage),\(s.min),\(s.max),\(s.area)\n"
        }
        return out
    }

    /// Exact coverage: each polygon on its own (polygons may overlap), its fractions from
    /// `CoverageFractions`, the raster read once over its bounding box; polygons spread over
    /// the threads, each one's result independent of the others and of the thread count.
    static func exact(raster: String, band: Int, info: BandInfo, grid: Grid, shapes: LayerShapes, path: String,
                      rowArea: [Double], threads: Int) throws -> [BandStats] {
        let polygons = try shapes.onGrid.map { wkb in try wkb.map { try ZoneCoverage.pixelPolygons($0, grid: grid, path: path) } }
        let workers = Workers.count(threads, items: polygons.count)
        let queue = TileQueue<[(Int, BandStats)]>(tiles: polygons.count, workers: workers)
        try queue.run(workers: workers) { wi, queue in
            var mine: [(Int, BandStats)] = []
            do {
                let src = try Dataset(path: raster)
                var values: [Float] = []
                var scratch = CoverageFractions.Scratch()
                while let k = queue.take() {
                    var stats = BandStats()
                    if let polygon = polygons[k],
                       let e = CoverageFractions.accumulate(polygon, width: grid.width, height: grid.height, scratch: &scratch) {
                        let w = Window(col: e.col, row: e.row, width: e.width, height: e.height)
                        if values.count < w.pixelCount { values = [Float](repeating: 0, count: w.pixelCount) }
                        try values.withUnsafeMutableBufferPointer { values in
                            try src.read(band: band, window: w, scale: info.scale, offset: info.offset, nodata: info.nodata, into: values.baseAddress!)
                            let base = UnsafeBufferPointer(values)
                            scratch.forEachRow(e) { r, f in
                                stats.addRow(fractions: f, values: UnsafeBufferPointer(rebasing: base[(r * e.width)..<((r + 1) * e.width)]),
                                             pixelArea: rowArea[e.row + r])
                            }
                        }
                    }
                    mine.append((k, stats))
                    _ = queue.done()
                }
            } catch {
                queue.fail(error)
            }
            queue.store(mine, worker: wi)
        }
        var out = [BandStats](repeating: BandStats(), count: polygons.count)
        for (k, s) in queue.results.compactMap({ $0 }).flatMap({ $0 }) { out[k] = s }
        return out
    }
}

extension BandStats {
    @inline(__always)
    mutating func add(_ v: Float, area a: Double) {
        count += 1
        coverage += 1
        sum += Double(v)
        area += a
        min = Swift.min(min, v)
        max = Swift.max(max, v)
    }
}

extension BandStats {
    /// One row of a polygon's bounding box: the cells with a fraction above 0 and a value
    /// (not NaN) count, weighted by their fraction. Four lanes of partial sums (`SIMD4<Double>`,
    /// values widened exactly from Float), added up at the end of the row: the order of the
    /// additions is fixed by the row alone, so results do not depend on threads or tiling.
    @inline(__always)
    mutating func addRow(fractions f: UnsafeBufferPointer<Double>, values v: UnsafeBufferPointer<Float>, pixelArea: Double) {
        typealias D4 = SIMD4<Double>
        let n = f.count
        guard n > 0 else { return }
        let fp = UnsafeRawPointer(f.baseAddress!), vp = UnsafeRawPointer(v.baseAddress!)
        var count4 = SIMD4<Int64>(), cov4 = D4(), sum4 = D4()
        var lo4 = D4(repeating: .infinity), hi4 = D4(repeating: -.infinity)
        var c = 0
        while c + 4 <= n {
            let w = fp.loadUnaligned(fromByteOffset: c * 8, as: D4.self)
            let x = D4(vp.loadUnaligned(fromByteOffset: c * 4, as: SIMD4<Float>.self))
            let skip = .!((w .> 0) .& (x .== x))
            let wk = w.replacing(with: 0, where: skip)
            count4 &+= SIMD4<Int64>(repeating: 1).replacing(with: 0, where: skip)
            cov4 += wk
            sum4 += wk * x.replacing(with: 0, where: skip)
            lo4.replace(with: x, where: .!skip .& (x .< lo4))
            hi4.replace(with: x, where: .!skip .& (x .> hi4))
            c += 4
        }
        var k = count4.wrappedSum(), cov = cov4.sum(), s = sum4.sum()
        var lo = lo4.min(), hi = hi4.max()
        while c < n {
            let x = Double(v[c])
            if f[c] > 0 && !x.isNaN {
                k += 1
                cov += f[c]
                s += f[c] * x
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
            }
            c += 1
        }
        count += k
        coverage += cov
        sum += s
        area += cov * pixelArea
        min = Swift.min(min, Float(lo))
        max = Swift.max(max, Float(hi))
    }
}
