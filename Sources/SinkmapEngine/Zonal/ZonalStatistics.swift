import Dispatch
import Foundation
import GDALKit

/// Mergeable statistics of one polygon: count, exact fixed-point sum and area, min, max.
public struct BandStats: Sendable, Equatable {
    public var count: Int64 = 0
    public var sum: Int128 = 0
    /// Σ pixel area, m², fixed-point.
    public var area: Int128 = 0
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
/// with the run's machinery: polygons burnt once by pixel centre, tiles in parallel
/// with one handle per worker, exact fixed-point sums merged in any order.
/// Where polygons overlap, a pixel counts for the last polygon drawn.
public struct ZonalStatistics: Sendable {
    public var ids: [String]
    public var stats: [BandStats]

    public static func compute(raster: String, band: Int, zones: String, layer layerName: String?, idField: String?,
                               threads: Int, tileSize: Int = 512) throws -> ZonalStatistics {
        let ds = try Dataset(path: raster)
        let info = try ds.bandInfo(band)
        let grid = try ds.grid()
        let srs = try SpatialReference(definition: grid.crsWKT)
        let vds = try VectorDataset(path: zones)
        let layer = try vds.layer(layerName)
        let features = try layer.features(fields: idField.map { [$0] } ?? [])
        let ids = features.map { f in idField.map { f.fields[$0] ?? "" } ?? String(f.fid) }

        let tmp = FileManager.default.temporaryDirectory.path + "/sinkmap-zonal-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tif"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        do {
            let writer = try RasterWriter(path: tmp, grid: grid, bands: 1, type: .uint32, nodata: nil, blockSize: 256, compress: "NONE")
            var geoms: [Geometry] = [], values: [Double] = []
            let ct: CoordinateTransform? = try layer.spatialReference.flatMap { $0.isSame(as: srs) ? nil : try CoordinateTransform(from: $0, to: srs) }
            for (i, f) in features.enumerated() {
                guard let g = f.geometry else { continue }
                if let ct { try g.transform(ct) }
                geoms.append(g)
                values.append(Double(i + 1))
            }
            try Rasterizer.burn(geoms, values: values, into: writer.dataset)
            try writer.flush()
        }

        let area = PixelArea(grid: grid, isGeographic: srs.isGeographic, semiMajor: srs.ellipsoid.semiMajor,
                             inverseFlattening: srs.ellipsoid.inverseFlattening,
                             linearUnitMetres: srs.isGeographic ? 1 : srs.linearUnitMetres)
        let tiles = Tiling.tiles(of: grid, tileSize: tileSize)
        let n = features.count
        let state = ZonalRun(tiles: tiles.count, threads: min(threads, max(tiles.count, 1)))
        DispatchQueue.concurrentPerform(iterations: state.threads) { wi in
            var local = [BandStats](repeating: BandStats(), count: n)
            let cap = tileSize * tileSize
            let values = UnsafeMutablePointer<Float>.allocate(capacity: cap)
            let zone = UnsafeMutablePointer<UInt32>.allocate(capacity: cap)
            defer { values.deallocate(); zone.deallocate() }
            do {
                let src = try Dataset(path: raster)
                let z = try Dataset(path: tmp)
                while let t = state.next() {
                    let w = tiles[t]
                    try src.read(band: band, window: w, scale: info.scale, offset: info.offset, nodata: info.nodata, into: values)
                    try z.readRaw(band: 1, window: w, type: .uint32, into: zone)
                    local.withUnsafeMutableBufferPointer { s in
                        for r in 0..<w.height {
                            let a = area.rowArea[w.row + r]
                            let qa = FixedPoint.quantize(a)
                            for c in 0..<w.width {
                                let i = r * w.width + c
                                let k = Int(zone[i])
                                let v = values[i]
                                if k == 0 || v.isNaN { continue }
                                s[k - 1].count += 1
                                s[k - 1].sum += FixedPoint.quantize(Double(v))
                                s[k - 1].area += qa
                                s[k - 1].min = Swift.min(s[k - 1].min, v)
                                s[k - 1].max = Swift.max(s[k - 1].max, v)
                            }
                        }
                    }
                }
            } catch {
                state.fail(error)
            }
            state.store(local, at: wi)
        }
        if let e = state.error { throw e }
        var total = [BandStats](repeating: BandStats(), count: n)
        for part in state.partials { for i in 0..<n { total[i].merge(part[i]) } }
        return ZonalStatistics(ids: ids, stats: total)
    }

    /// CSV: id, count, sum, mean, min, max, area_m2 (empty statistics where a polygon covers no valid pixel).
    public func csv() -> String {
        var out = "id,count,sum,mean,min,max,area_m2\n"
        for (id, s) in zip(ids, stats) {
            let idText = id.contains(",") ? "\"\(id)\"" : id
            if s.count == 0 {
                out += "\(idText),0,,,,,0\n"
                continue
            }
            let sum = FixedPoint.value(s.sum)
            out += "\(idText),\(s.count),\(FixedPoint.decimalText(s.sum, decimals: 6)),\(sum / Double(s.count)),\(s.min),\(s.max),\(FixedPoint.decimalText(s.area, decimals: 6))\n"
        }
        return out
    }
}

final class ZonalRun: @unchecked Sendable {
    let tiles: Int
    let threads: Int
    private let lock = NSLock()
    private var cursor = 0
    private(set) var error: Error?
    private(set) var partials: [[BandStats]] = []

    init(tiles: Int, threads: Int) {
        self.tiles = tiles
        self.threads = threads
    }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, cursor < tiles else { return nil }
        cursor += 1
        return cursor - 1
    }

    func fail(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }

    func store(_ p: [BandStats], at: Int) {
        lock.lock(); defer { lock.unlock() }
        partials.append(p)
    }
}
