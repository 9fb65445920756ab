import Foundation
import GDALKit
import SinkmapGrid
import SinkmapKernels

/// One acquisition brought onto the output grid: red and NIR (bilinear, raw DN) and the
/// quality band (nearest), each an `AlignedRaster` read through the same sources as `run`.
struct AlignedAcquisition: Sendable {
    var acquisition: Acquisition
    var red: AlignedRaster, nir: AlignedRaster, qa: AlignedRaster
}

/// What one worker counted over its tiles; merged by addition.
struct CompositeCounts: Sendable {
    /// Clear, valid pixels per acquisition (index in the plan).
    var clear: [Int]
    /// Pixels filled by interpolation, and left nodata, per month.
    var filled = [Int](repeating: 0, count: 12)
    var nodata = [Int](repeating: 0, count: 12)

    init(acquisitions: Int) { clear = [Int](repeating: 0, count: acquisitions) }

    mutating func add(_ o: CompositeCounts) {
        for i in clear.indices { clear[i] += o.clear[i] }
        for m in 0..<12 { filled[m] += o.filled[m]; nodata[m] += o.nodata[m] }
    }
}

/// The two intermediate rasters (12 bands each) the workers write tile by tile, behind a lock.
final class CompositeSink: @unchecked Sendable {
    let ndvi: RasterWriter, clear: RasterWriter
    private let lock = NSLock()

    init(ndviPath: String, clearPath: String, grid: Grid) throws {
        ndvi = try RasterWriter(path: ndviPath, grid: grid, bands: 12, nodata: CompositeRunner.nodata, blockSize: 256, compress: "NONE")
        clear = try RasterWriter(path: clearPath, grid: grid, bands: 12, type: .uint16, nodata: nil, blockSize: 256, compress: "NONE")
    }

    func write(ndvi planes: UnsafePointer<Float>, clear counts: UnsafePointer<UInt32>, window: Window) throws {
        lock.lock(); defer { lock.unlock() }
        let n = window.pixelCount
        for m in 0..<12 {
            try ndvi.write(band: m + 1, window: window, from: planes + m * n)
            try clear.write(band: m + 1, window: window, from: counts + m * n)
        }
        try ndvi.flush()
        try clear.flush()
    }
}

/// The tile loop of one worker thread: its own handles, buffers sized for the largest tile and
/// the busiest month, each acquisition's tile read once.
final class CompositeWorker {
    let plan: [AlignedAcquisition]
    /// Plan indices of the acquisitions of each month (0...11).
    let byMonth: [[Int]]
    let method: CompositeMethod
    private var handles: [String: Dataset] = [:]
    private let scratch = ReadScratch()
    private let capacity: Int
    private let red, nir, qa, obs, months, sorted: UnsafeMutablePointer<Float>
    private let clear: UnsafeMutablePointer<UInt32>
    private let obsPlanes: Int

    init(plan: [AlignedAcquisition], byMonth: [[Int]], method: CompositeMethod, tilePixels: Int) {
        self.plan = plan
        self.byMonth = byMonth
        self.method = method
        capacity = tilePixels
        let busiest = max(1, byMonth.map(\.count).max() ?? 1)
        obsPlanes = method == .median ? busiest : 1
        red = .allocate(capacity: capacity)
        nir = .allocate(capacity: capacity)
        qa = .allocate(capacity: capacity)
        obs = .allocate(capacity: capacity * obsPlanes)
        months = .allocate(capacity: capacity * 12)
        sorted = .allocate(capacity: busiest)
        clear = .allocate(capacity: capacity * 12)
    }

    deinit {
        for p in [red, nir, qa, obs, months, sorted] { p.deallocate() }
        clear.deallocate()
    }

    private func dataset(_ r: AlignedRaster) throws -> Dataset {
        if let d = handles[r.key] { return d }
        let d = try r.open()
        handles[r.key] = d
        return d
    }

    /// Composites one tile into the sink; adds to `counts`. `onAcquisition` is called after
    /// each acquisition's tile is read (for progress).
    func process(_ window: Window, sink: CompositeSink, counts: inout CompositeCounts, onAcquisition: () -> Void) throws {
        let n = window.pixelCount
        precondition(n <= capacity)
        for m in 0..<12 {
            let planeOut = months + m * n, counted = clear + m * n
            if method == .maxNDVI {
                CompositeMath.startMax(count: n, max: planeOut, clear: counted)
            } else {
                counted.update(repeating: 0, count: n)
                planeOut.update(repeating: .nan, count: n)
            }
            for (k, index) in byMonth[m].enumerated() {
                let a = plan[index]
                try AlignedRaster.read([a.red], window, from: dataset(a.red), scratch: scratch, into: red)
                try AlignedRaster.read([a.nir], window, from: dataset(a.nir), scratch: scratch, into: nir)
                try AlignedRaster.read([a.qa], window, from: dataset(a.qa), scratch: scratch, into: qa)
                let q = a.acquisition
                if method == .maxNDVI {
                    counts.clear[index] += CompositeMath.observeMax(
                        red: red, nir: nir, qa: qa, count: n, qaType: q.qaType, redScaling: q.redScaling, nirScaling: q.nirScaling,
                        max: planeOut, clear: counted)
                } else {
                    counts.clear[index] += CompositeMath.observe(
                        red: red, nir: nir, qa: qa, count: n, qaType: q.qaType, redScaling: q.redScaling, nirScaling: q.nirScaling,
                        into: obs + k * n)
                }
                onAcquisition()
            }
            if method == .maxNDVI {
                CompositeMath.finishMax(count: n, max: planeOut, clear: counted)
            } else if !byMonth[m].isEmpty {
                CompositeMath.median(obs, planes: byMonth[m].count, count: n, scratch: sorted, into: planeOut, clear: counted)
            }
        }
        counts.filled.withUnsafeMutableBufferPointer { CompositeMath.fill(months, count: n, filled: $0.baseAddress!) }
        let nodata = Float(CompositeRunner.nodata)
        for m in 0..<12 {
            let plane = months + m * n
            var missing = 0
            for i in 0..<n where plane[i].isNaN {
                plane[i] = nodata
                missing += 1
            }
            counts.nodata[m] += missing
        }
        try sink.write(ndvi: months, clear: clear, window: window)
    }
}
