import GDALKit

/// A continuous input coarser than the grid, interpolated bilinearly by sinkmap itself
/// (no GDAL warper): source coordinates from a `TransformLattice`, weights from
/// `BilinearWeights` (shared by every input on the same source grid), values read once
/// per tile over the few source pixels the tile needs. It follows GDAL's bilinear rules
/// (see `BilinearWeights`) and its default nodata rule (UNIFIED_SRC_NODATA=PARTIAL): a
/// nodata neighbour is left out band by band, and a pixel whose centre falls in a source
/// pixel that is nodata in every band of the file is nodata. Values come as NaN outside
/// the source and where nothing valid remains.
public struct BilinearSource: RasterSource {
    public var path: String
    public var lattice: TransformLattice
    public var sourceWidth: Int
    public var sourceHeight: Int
    /// The nodata value of every band of the file (the scene's override, else the band's).
    public var bandNodata: [Double?]

    public init(path: String, lattice: TransformLattice, sourceWidth: Int, sourceHeight: Int, bandNodata: [Double?]) {
        self.path = path
        self.lattice = lattice
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.bandNodata = bandNodata
    }

    public var key: String { "bilinear|" + path + "|" + bandNodata.map { $0.map { "\($0)" } ?? "-" }.joined(separator: ",") }
    public var resamplingDescription: String { "bilinear" }
    public var masksNodata: Bool { true }

    public func open(path: String) throws -> Dataset { try Dataset(path: self.path) }

    public func read(bands: [Int], window: Window, from dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) throws {
        try read(bands: bands, window: window, from: dataset, scratch: ReadScratch(), into: buffer)
    }

    public func read(bands: [Int], window: Window, from dataset: Dataset, scratch: ReadScratch,
                     into buffer: UnsafeMutablePointer<Float>) throws {
        let n = window.pixelCount
        let weights = try scratch.weights(window: window, lattice: lattice, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
        guard let src = weights.source else {
            buffer.update(repeating: .nan, count: n * bands.count)
            return
        }
        let m = src.pixelCount
        let all = Array(1...bandNodata.count)
        let values = scratch.sourceValues(count: m * all.count)
        try dataset.readPlanes(bands: all, window: src, into: values)
        let unified = unifiedNodata(values, m, scratch)
        for (k, band) in bands.enumerated() {
            let nd = bandNodata[band - 1]
            let plane = UnsafePointer(values + (band - 1) * m)
            let out = buffer + k * n
            if let nd {
                BilinearSource.interpolate(plane, nodata: Float(nd), weights, unified, n, src.width, into: out)
            } else {
                BilinearSource.interpolate(plane, weights, unified, n, src.width, into: out)
            }
        }
    }

    /// Per source pixel, whether every band of the file is nodata there (nil when some band
    /// has no nodata, so no pixel can be).
    private func unifiedNodata(_ values: UnsafeMutablePointer<Float>, _ m: Int, _ scratch: ReadScratch) -> UnsafePointer<Bool>? {
        guard bandNodata.allSatisfy({ $0 != nil }) else { return nil }
        let u = scratch.unifiedMask(count: m)
        u.update(repeating: true, count: m)
        for (b, nd) in bandNodata.enumerated() {
            let v = values + b * m, f = Float(nd!)
            if f.isNaN {
                for i in 0..<m where !v[i].isNaN { u[i] = false }
            } else {
                for i in 0..<m where v[i] != f { u[i] = false }
            }
        }
        return UnsafePointer(u)
    }

    /// A band with a nodata value: GDAL's masked bilinear (valid neighbours only, renormalised).
    /// A pixel with a nodata neighbour is computed from its exact coordinate (see
    /// `BilinearWeights.exact`), where the renormalisation would magnify the lattice's error.
    static func interpolate(_ v: UnsafePointer<Float>, nodata: Float, _ w: BilinearWeights, _ unified: UnsafePointer<Bool>?,
                            _ n: Int, _ sw: Int, into out: UnsafeMutablePointer<Float>) {
        let ndIsNaN = nodata.isNaN
        for p in 0..<n {
            let b = w.base[p]
            if b < 0 || (unified?[w.holding[p]] ?? false) {
                out[p] = .nan
                continue
            }
            var r = masked(v, ndIsNaN, nodata, b, w.rx[p], w.ry[p], w.edges[p], sw)
            if r.complete {
                out[p] = r.value
                continue
            }
            if let e = w.exact(p) { r = masked(v, ndIsNaN, nodata, e.base, e.rx, e.ry, e.edges, sw) }
            out[p] = r.value
        }
    }

    /// GDAL's masked 4-sample bilinear at one pixel; `complete` when no existing neighbour is nodata.
    @inline(__always)
    static func masked(_ v: UnsafePointer<Float>, _ ndIsNaN: Bool, _ nodata: Float, _ b: Int, _ rx: Double, _ ry: Double,
                       _ e: UInt8, _ sw: Int) -> (value: Float, complete: Bool) {
        @inline(__always) func valid(_ x: Float) -> Bool { ndIsNaN ? !x.isNaN : x != nodata }
        var acc = 0.0, div = 0.0, complete = true
        let m1 = rx * ry, m2 = (1 - rx) * ry
        if valid(v[b]) { div += m1; acc += Double(v[b]) * m1 } else { complete = false }
        if e & BilinearWeights.rightExists != 0 {
            if valid(v[b + 1]) { div += m2; acc += Double(v[b + 1]) * m2 } else { complete = false }
        }
        if e & BilinearWeights.bottomExists != 0 {
            let m3 = rx * (1 - ry), m4 = (1 - rx) * (1 - ry)
            if valid(v[b + sw]) { div += m3; acc += Double(v[b + sw]) * m3 } else { complete = false }
            if e & BilinearWeights.rightExists != 0 {
                if valid(v[b + sw + 1]) { div += m4; acc += Double(v[b + sw + 1]) * m4 } else { complete = false }
            }
        }
        if div == 1 { return (Float(acc), complete) }
        if div < 1e-5 { return (.nan, complete) }
        return (Float(acc / div), complete)
    }

    /// A band without nodata: GDAL's unmasked bilinear (a NaN value spreads to its neighbours).
    static func interpolate(_ v: UnsafePointer<Float>, _ w: BilinearWeights, _ unified: UnsafePointer<Bool>?,
                            _ n: Int, _ sw: Int, into out: UnsafeMutablePointer<Float>) {
        for p in 0..<n {
            let b = w.base[p]
            if b < 0 || (unified?[w.holding[p]] ?? false) {
                out[p] = .nan
                continue
            }
            let rx = w.rx[p], ry = w.ry[p]
            if w.edges[p] == BilinearWeights.interior {
                let top = Double(v[b]) * rx + Double(v[b + 1]) * (1 - rx)
                let bottom = Double(v[b + sw]) * rx + Double(v[b + sw + 1]) * (1 - rx)
                out[p] = Float(top * ry + bottom * (1 - ry))
                continue
            }
            let right = w.edges[p] & BilinearWeights.rightExists != 0, below = w.edges[p] & BilinearWeights.bottomExists != 0
            var acc = Double(v[b]) * rx * ry, div = rx * ry
            if right { acc += Double(v[b + 1]) * (1 - rx) * ry; div += (1 - rx) * ry }
            if below { acc += Double(v[b + sw]) * rx * (1 - ry); div += rx * (1 - ry) }
            if right && below { acc += Double(v[b + sw + 1]) * (1 - rx) * (1 - ry); div += (1 - rx) * (1 - ry) }
            out[p] = div < 1e-5 ? .nan : Float(div == 1 ? acc : acc / div)
        }
    }
}

/// What one worker thread keeps between reads of resampled sources: the weights of the
/// last window for each lattice (so the inputs on one source grid share them), its PROJ
/// transformations and its buffers (grown, never allocated per tile once large enough).
public final class ReadScratch {
    private var weightsByLattice: [UInt64: BilinearWeights] = [:]
    private var transforms: [UInt64: CoordinateTransform] = [:]
    private let nodes = Points(capacity: (TransformLattice.cellSize + 1) * (TransformLattice.cellSize + 1))
    private var values = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    private var valuesCapacity = 0
    private var unified = UnsafeMutablePointer<Bool>.allocate(capacity: 0)
    private var unifiedCapacity = 0

    public init() {}

    deinit {
        values.deallocate()
        unified.deallocate()
    }

    func weights(window: Window, lattice: TransformLattice, sourceWidth: Int, sourceHeight: Int) throws -> BilinearWeights {
        let w: BilinearWeights
        if let known = weightsByLattice[lattice.id] {
            w = known
        } else {
            w = BilinearWeights()
            weightsByLattice[lattice.id] = w
        }
        let ct: CoordinateTransform
        if let known = transforms[lattice.id] {
            ct = known
        } else {
            ct = try CoordinateTransform(from: lattice.target.crsWKT, to: lattice.sourceCRS)
            transforms[lattice.id] = ct
        }
        w.update(window: window, lattice: lattice, sourceWidth: sourceWidth, sourceHeight: sourceHeight, transform: ct, nodes: nodes)
        return w
    }

    func sourceValues(count: Int) -> UnsafeMutablePointer<Float> {
        if count > valuesCapacity {
            values.deallocate()
            values = .allocate(capacity: count)
            valuesCapacity = count
        }
        return values
    }

    func unifiedMask(count: Int) -> UnsafeMutablePointer<Bool> {
        if count > unifiedCapacity {
            unified.deallocate()
            unified = .allocate(capacity: count)
            unifiedCapacity = count
        }
        return unified
    }
}
