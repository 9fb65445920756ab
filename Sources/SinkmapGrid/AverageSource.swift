import GDALKit

/// A continuous input finer than the grid, in the grid's CRS, both north-up (a 10 m CHM onto
/// 30 m), averaged by sinkmap itself (no GDAL warper): a grid pixel is the weighted mean of the
/// source pixels its footprint overlaps, over the pixels valid in that band, with GDAL's
/// `average` weights (`AxisShares`). It is nodata where no overlapped pixel is valid or the
/// footprint misses the source. That is what `gdalwarp -r average -et 0` computes over the
/// whole grid; unlike GDAL's warped VRT, no block or window decides whether a sliver of the
/// source at a pixel's edge is averaged. The weights depend only on the two grids, so results
/// are identical for every tile size and thread count.
public struct AverageSource: ResamplingSource {
    public var path: String
    /// Which source columns each grid column overlaps, and by how much.
    public var columns: AxisShares
    /// Which source rows each grid row overlaps, and by how much.
    public var rows: AxisShares
    /// The nodata value of every band of the file (the scene's override, else the band's).
    public var bandNodata: [Double?]

    public init(path: String, source: Grid, target: Grid, bandNodata: [Double?]) {
        self.path = path
        let s = source.transform, t = target.transform
        columns = AxisShares(gridOrigin: t.originX, gridStep: t.pixelWidth, gridCount: target.width,
                             sourceOrigin: s.originX, sourceStep: s.pixelWidth, sourceCount: source.width)
        rows = AxisShares(gridOrigin: t.originY, gridStep: t.pixelHeight, gridCount: target.height,
                          sourceOrigin: s.originY, sourceStep: s.pixelHeight, sourceCount: source.height)
        self.bandNodata = bandNodata
    }

    /// Bytes of source values a read holds per grid pixel and band in the worker's `ReadScratch`
    /// (about ratio² Float32; the ratio rounded up on each axis covers the window's border).
    public var sourceBytesPerPixel: Int { 4 * Int(columns.sourcePerGrid.rounded(.up)) * Int(rows.sourcePerGrid.rounded(.up)) }

    public var method: String { "average" }

    public func read(bands: [Int], window: Window, from dataset: Dataset, scratch: ReadScratch,
                     into buffer: UnsafeMutablePointer<Float>) throws {
        let n = window.pixelCount
        guard let cs = columns.sourceRange(window.col..<(window.col + window.width)),
              let rs = rows.sourceRange(window.row..<(window.row + window.height)) else {
            buffer.update(repeating: .nan, count: n * bands.count)
            return
        }
        let src = Window(col: cs.lowerBound, row: rs.lowerBound, width: cs.count, height: rs.count)
        let m = src.pixelCount
        let values = scratch.sourceValues(count: m * bands.count)
        try dataset.readPlanes(bands: bands, window: src, into: values)
        for (i, band) in bands.enumerated() {
            let nd = bandNodata[band - 1].map { Float($0) }
            average(UnsafePointer(values + i * m), src, nodata: nd, window, into: buffer + i * n)
        }
    }

    /// One band over `window`: `values` holds the source window `src`. As in GDAL's warper, a
    /// pixel equal to the band's nodata (NaN when that is the nodata) is left out; a band
    /// without nodata is unmasked, so a NaN value spreads to the pixels overlapping it.
    private func average(_ values: UnsafePointer<Float>, _ src: Window, nodata: Float?, _ window: Window,
                         into out: UnsafeMutablePointer<Float>) {
        let mode = nodata.map { $0.isNaN ? 2 : 1 } ?? 0
        let nd = nodata ?? 0
        let xs = columns.stride, ys = rows.stride
        columns.first.withUnsafeBufferPointer { cFirst in
        columns.count.withUnsafeBufferPointer { cCount in
        columns.shares.withUnsafeBufferPointer { cShare in
        rows.first.withUnsafeBufferPointer { rFirst in
        rows.count.withUnsafeBufferPointer { rCount in
        rows.shares.withUnsafeBufferPointer { rShare in
            for r in 0..<window.height {
                let gy = window.row + r
                let line = out + r * window.width
                let ny = rCount[gy]
                if ny == 0 {
                    line.update(repeating: .nan, count: window.width)
                    continue
                }
                let y0 = rFirst[gy] - src.row
                for c in 0..<window.width {
                    let gx = window.col + c
                    let nx = cCount[gx]
                    if nx == 0 {
                        line[c] = .nan
                        continue
                    }
                    let x0 = cFirst[gx] - src.col
                    var sum = 0.0, weight = 0.0
                    for j in 0..<ny {
                        let fy = rShare[gy * ys + j]
                        let row = values + (y0 + j) * src.width + x0
                        for i in 0..<nx {
                            let v = row[i]
                            if (mode == 1 && v == nd) || (mode == 2 && v.isNaN) { continue }
                            let w = cShare[gx * xs + i] * fy
                            if w <= 0 { continue }
                            sum += Double(v) * w
                            weight += w
                        }
                    }
                    line[c] = weight > 0 ? Float(sum / weight) : .nan
                }
            }
        }}}}}}
    }
}

/// Along one axis: for each grid index, the source indices its footprint overlaps (`first`,
/// `count`) and their weights (`shares`, `stride` per grid index), by GDAL 3.6's rules for
/// `average` (`GWKAverageOrMode`, checked against `gdalwarp`): with the footprint [a, b] in
/// source pixels, the indices run from ⌊a + 10⁻¹⁰⌋ to ⌈b − 10⁻¹⁰⌉ clamped to the source (one
/// pixel when that leaves none inside it); the first weighs 1 − (a − first), the last
/// 1 − (end − b), the others 1, and a lone pixel 1. So a border pixel weighs the share the
/// footprint covers, except where the footprint crosses the source's edge: there the clamped
/// pixel weighs more than 1, as in GDAL. A footprint that misses [−10⁻¹⁰, n + 10⁻¹⁰] overlaps nothing.
public struct AxisShares: Sendable, Hashable {
    public var first: [Int]
    public var count: [Int]
    public var shares: [Double]
    public var stride: Int
    /// Source pixels per grid pixel along the axis.
    public var sourcePerGrid: Double

    public init(gridOrigin: Double, gridStep: Double, gridCount: Int, sourceOrigin: Double, sourceStep: Double, sourceCount: Int) {
        func edge(_ i: Int) -> Double { (gridOrigin + Double(i) * gridStep - sourceOrigin) / sourceStep }
        let eps = 1e-10, n = sourceCount
        sourcePerGrid = abs(gridStep / sourceStep)
        var spans: [(lo: Int, hi: Int, a: Double, b: Double)] = []
        spans.reserveCapacity(gridCount)
        var widest = 1
        for i in 0..<gridCount {
            let e0 = edge(i), e1 = edge(i + 1)
            let a = min(e0, e1), b = max(e0, e1)
            guard b > -eps, a < Double(n) + eps else {
                spans.append((0, 0, a, b))
                continue
            }
            let lo = max(Int((a + eps).rounded(.down)), 0)
            var hi = min(Int((b - eps).rounded(.up)), n)
            if lo == hi && hi < n { hi += 1 }
            spans.append((lo, max(hi, lo), a, b))
            widest = max(widest, hi - lo)
        }
        stride = widest
        first = spans.map(\.lo)
        count = spans.map { $0.hi - $0.lo }
        var s = [Double](repeating: 0, count: gridCount * widest)
        for (i, span) in spans.enumerated() where span.hi > span.lo {
            for k in span.lo..<span.hi {
                let w: Double
                if k == span.lo {
                    w = span.lo + 1 == span.hi ? 1 : 1 - (span.a - Double(span.lo))
                } else if k + 1 == span.hi {
                    w = 1 - (Double(span.hi) - span.b)
                } else {
                    w = 1
                }
                s[i * widest + k - span.lo] = w
            }
        }
        shares = s
    }

    /// The source indices the grid indices `range` overlap, nil when none.
    func sourceRange(_ range: Range<Int>) -> Range<Int>? {
        var lo = Int.max, hi = Int.min
        for i in range where count[i] > 0 {
            lo = min(lo, first[i])
            hi = max(hi, first[i] + count[i])
        }
        return lo < hi ? lo..<hi : nil
    }
}
