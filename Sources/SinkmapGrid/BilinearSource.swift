import GDALKit

/// A continuous input coarser than the grid, interpolated bilinearly by sinkmap itself
/// (no GDAL warper): source coordinates from a `TransformLattice`, weights from
/// `BilinearWeights` (shared by every input on the same source grid), values read once
/// per tile over the few source pixels the tile needs. It follows GDAL's bilinear rules
/// (see `BilinearWeights`) and its default nodata rule (UNIFIED_SRC_NODATA=PARTIAL): a
/// nodata neighbour is left out band by band, and a pixel whose centre falls in a source
/// pixel that is nodata in every band of the file is nodata. Values come as NaN outside
/// the source and where nothing valid remains.
public struct BilinearSource: ResamplingSource {
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

    /// Bytes a worker's `ReadScratch` holds per pixel of its largest tile for each source grid
    /// (the weights: six Int, eleven Double and three byte planes; `BilinearWeights`).
    public static let scratchBytesPerPixel = 6 * 8 + 11 * 8 + 3

    /// The id of the lattice (one per source grid and target grid) this source interpolates on.
    public var latticeID: UInt64 { lattice.id }

    public var method: String { "bilinear" }

    public func read(bands: [Int], window: Window, from dataset: Dataset, scratch: ReadScratch,
                     into buffer: UnsafeMutablePointer<Float>) throws {
        let n = window.pixelCount
        let weights = try scratch.weights(window: window, lattice: lattice, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
        guard let src = weights.source else {
            buffer.update(repeating: .nan, count: n * bands.count)
            return
        }
        let m = src.pixelCount
        // GDAL's unified rule looks at every band of the file, so all are read when it can
        // apply (every band has a nodata value); otherwise only the bands asked for.
        let unifiedApplies = bandNodata.allSatisfy { $0 != nil }
        let read = unifiedApplies ? Array(1...bandNodata.count) : bands
        let values = scratch.sourceValues(count: m * read.count)
        try dataset.readPlanes(bands: read, window: src, into: values)
        let unified = unifiedApplies ? unifiedNodata(values, m, scratch) : nil
        let k = bands.count
        try withUnsafeTemporaryAllocation(of: BandPlane.self, capacity: k) { planes in
            for (i, band) in bands.enumerated() {
                let nd = bandNodata[band - 1].map { Float($0) }
                let plane = unifiedApplies ? band - 1 : i
                planes[i] = BandPlane(values: UnsafePointer(values + plane * m), out: buffer + i * n,
                                      mode: nd == nil ? 0 : nd!.isNaN ? 2 : 1, nodata: nd ?? 0)
            }
            BilinearSource.interpolate(UnsafePointer(planes.baseAddress!), k, weights, unified, n, src.width)
        }
    }

    /// Per source pixel, whether every band of the file is nodata there (`values` holds every
    /// band of the file, each with a nodata value).
    private func unifiedNodata(_ values: UnsafeMutablePointer<Float>, _ m: Int, _ scratch: ReadScratch) -> UnsafePointer<Bool> {
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

    /// One band being interpolated: its source plane, its output plane, and its nodata
    /// (mode 0: none, 1: the value `nodata`, 2: NaN).
    struct BandPlane {
        var values: UnsafePointer<Float>
        var out: UnsafeMutablePointer<Float>
        var mode: UInt8
        var nodata: Float
    }

    /// Every band of one read. Pixels come in runs that share their four source neighbours (a
    /// 1 km source pixel spans ~33 pixels of a 30 m row): per run and band the four values are
    /// loaded and checked for nodata once, and the run is interpolated four pixels at a time
    /// from its weights. A pixel whose four neighbours are valid gets Σ w·v / Σ w over the
    /// neighbours inside the source (the reciprocal is applied, within a Double ulp of GDAL's
    /// division), in Double with a separate multiply and add in the same order for every pixel
    /// (vector lanes or not): the same bits wherever a run starts. A band with a nodata
    /// neighbour takes GDAL's masked path pixel by pixel from the exact coordinate (see
    /// `BilinearWeights.exact`), where the renormalisation would magnify the lattice's error.
    /// A band without nodata is unmasked, as in GDAL: a NaN value spreads.
    static func interpolate(_ planes: UnsafePointer<BandPlane>, _ k: Int, _ w: BilinearWeights, _ unified: UnsafePointer<Bool>?,
                            _ n: Int, _ sw: Int) {
        @inline(__always) func isNodata(_ p: Int) -> Bool { w.base[p] < 0 || (unified?[w.holding[p]] ?? false) }
        var p = 0
        while p < n {
            if isNodata(p) {
                for i in 0..<k { planes[i].out[p] = .nan }
                p += 1
                continue
            }
            // The run: the following pixels with the same four neighbours, none of them nodata.
            let b = w.base[p], o1 = w.o1[p], o2 = w.o2[p], o3 = w.o3[p]
            var end = p + 1
            while end < n, w.base[end] == b, w.o1[end] == o1, w.o2[end] == o2, w.o3[end] == o3, !isNodata(end) { end += 1 }
            for i in 0..<k {
                let band = planes[i], v = band.values
                let x0 = v[b], x1 = v[b + o1], x2 = v[b + o2], x3 = v[b + o3]
                if band.mode != 0 {
                    let nd = band.nodata
                    let hole = band.mode == 1 ? (x0 == nd || x1 == nd || x2 == nd || x3 == nd)
                                              : (x0.isNaN || x1.isNaN || x2.isNaN || x3.isNaN)
                    if hole {
                        for q in p..<end {
                            let e = w.exact(q) ?? (b, w.rx[q], w.ry[q], w.edges[q])
                            band.out[q] = masked(v, band.mode == 2, nd, e.base, e.rx, e.ry, e.edges, sw).value
                        }
                        continue
                    }
                }
                run(Double(x0), Double(x1), Double(x2), Double(x3), w, from: p, to: end, into: band.out)
            }
            p = end
        }
    }

    /// out[q] = Float((v0·w0 + v1·w1 + v2·w2 + v3·w3)·scale) for q in `start..<end`, four at a time.
    @inline(__always)
    static func run(_ v0: Double, _ v1: Double, _ v2: Double, _ v3: Double, _ w: BilinearWeights,
                    from start: Int, to end: Int, into out: UnsafeMutablePointer<Float>) {
        typealias V = SIMD4<Double>
        @inline(__always) func load(_ plane: UnsafeMutablePointer<Double>, _ q: Int) -> V {
            UnsafeRawPointer(plane + q).loadUnaligned(as: V.self)
        }
        let a0 = V(repeating: v0), a1 = V(repeating: v1), a2 = V(repeating: v2), a3 = V(repeating: v3)
        var q = start
        while q + 4 <= end {
            let acc = a0 * load(w.w0, q) + a1 * load(w.w1, q) + a2 * load(w.w2, q) + a3 * load(w.w3, q)
            UnsafeMutableRawPointer(out + q).storeBytes(of: SIMD4<Float>(acc * load(w.scale, q)), as: SIMD4<Float>.self)
            q += 4
        }
        while q < end {
            out[q] = Float((v0 * w.w0[q] + v1 * w.w1[q] + v2 * w.w2[q] + v3 * w.w3[q]) * w.scale[q])
            q += 1
        }
    }

    /// GDAL's masked 4-sample bilinear at one pixel (valid neighbours only, renormalised);
    /// `complete` when no neighbour inside the source is nodata.
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
