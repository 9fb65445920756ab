import Foundation
import GDALKit
import SinkmapScene

/// Mergeable statistics of one polygon over a band: count, sum, area, min, max.
public struct BandStats: Sendable, Equatable {
    public var count: Int64 = 0
    public var sum: Double = 0
    /// Σ pixel area, m².
    public var area: Double = 0
    public var min: Float = .infinity
    public var max: Float = -.infinity

    public mutating func merge(_ o: BandStats) {
        count += o.count
        sum += o.sum
        area += o.area
        min = Swift.min(min, o.min)
        max = Swift.max(max, o.max)
    }
}

/// `sinkmap zonal`: statistics of a band over each polygon, on the raster's own grid,
/// with the run's machinery: polygons burnt once by pixel centre (`ZoneRasters.burn`),
/// tiles from a `TileQueue` with one GDAL handle per worker, true pixel areas
/// (`PixelArea`). A band may hold any magnitude, so sums are Double: each tile's
/// partials are kept by tile index and merged in tile order, which makes the result
/// the same for any number of threads. Where polygons overlap, a pixel counts for the
/// last polygon drawn.
public struct ZonalStatistics: Sendable {
    public static let tileSize = 512
    public var ids: [String]
    public var stats: [BandStats]

    public static func compute(raster: String, band: Int, zones: String, layer layerName: String?, idField: String?,
                               threads: Int) throws -> ZonalStatistics {
        GDAL.limitCache(megabytes: 64)
        let ds = try Dataset(path: raster)
        let info = try ds.bandInfo(band)
        let grid = try ds.grid()
        let srs = try SpatialReference(definition: grid.crsWKT)
        let layer = try VectorDataset(path: zones).layer(layerName)
        let features = try layer.features(fields: idField.map { [$0] } ?? [])
        let ids = features.map { f in idField.map { f.fields[$0] ?? "" } ?? String(f.fid) }
        let shapes = try LayerShapes.read(features, layer: layer, grid: srs)

        let burnt = FileManager.default.temporaryDirectory.path + "/sinkmap-zonal-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tif"
        defer { try? FileManager.default.removeItem(atPath: burnt) }
        try ZoneRasters.burn(shapes.onGrid, path: zones, into: burnt, grid: grid, type: .uint32) { Double($0 + 1) }

        let area = PixelArea(grid: grid, isGeographic: srs.isGeographic, semiMajor: srs.ellipsoid.semiMajor,
                             inverseFlattening: srs.ellipsoid.inverseFlattening,
                             linearUnitMetres: srs.isGeographic ? 1 : srs.linearUnitMetres)
        let tiles = Tiling.tiles(of: grid, tileSize: tileSize)
        let workers = min(threads, max(tiles.count, 1))
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

    /// CSV: id, count, sum, mean, min, max, area_m2 (empty statistics where a polygon covers no valid pixel).
    public func csv() -> String {
        var out = "id,count,sum,mean,min,max,area_m2\n"
        for (id, s) in zip(ids, stats) {
            let idText = ZonalTable.quote(id)
            if s.count == 0 {
                out += "\(idText),0,,,,,0\n"
                continue
            }
            out += "\(idText),\(s.count),\(s.sum),\(s.sum / Double(s.count)),\(s.min),\(s.max),\(s.area)\n"
        }
        return out
    }
}

extension BandStats {
    @inline(__always)
    mutating func add(_ v: Float, area a: Double) {
        count += 1
        sum += Double(v)
        area += a
        min = Swift.min(min, v)
        max = Swift.max(max, v)
    }
}
