import Dispatch
import GDALKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the centre of every target pixel falls in a source raster, in source pixel/line
/// coordinates (0.5 = centre of the first pixel), without one PROJ call per pixel.
///
/// The target grid is cut into cells of `cellSize` × `cellSize` pixels anchored at its
/// origin (never at a tile, so a pixel's coordinate does not depend on the window read).
/// Each cell carries a step s (32, 16, …, 1): PROJ transforms exactly the pixel centres
/// whose offsets in the cell are multiples of s (the nodes), and a pixel between nodes
/// gets the bilinear interpolation of its cell's four surrounding nodes. The step of a
/// cell is chosen once (`build`) as the coarsest whose interpolation error, measured
/// against exact transforms at the centre and edge midpoints of every sub-cell (where the
/// quadratic term of a smooth map's interpolation error peaks), is at most `tolerance`
/// source pixels in x and y; step 1 is exact. A cell with a node PROJ cannot transform
/// gets step 1, and a pixel PROJ cannot transform is outside the source.
public struct TransformLattice: Sendable {
    /// Edge of a cell, in target pixels.
    public static let cellSize = 32
    /// The largest allowed interpolation error, in source pixels.
    public static let tolerance = 1e-6

    /// Distinguishes lattices in per-thread caches.
    public let id: UInt64
    public let target: Grid
    public let sourceCRS: String
    /// Georeferenced coordinates in the source CRS → source pixel/line.
    let sourceInverse: GeoTransform
    let cellsX: Int
    let cellsY: Int
    /// log2(cellSize / step) of each cell, row-major.
    let levels: [UInt8]
    /// The largest interpolation error measured while choosing the steps (source pixels).
    public let measuredError: Double

    /// How many cells use each step (32, 16, 8, 4, 2, 1), for `validate` and the docs.
    public var stepCounts: [Int: Int] {
        var out: [Int: Int] = [:]
        for l in levels { out[TransformLattice.cellSize >> Int(l), default: 0] += 1 }
        return out
    }

    /// Chooses the step of every cell of `target` for a source with georeferencing `source`.
    /// Throws when the CRSs cannot be transformed or the source geotransform is singular.
    public static func build(source: Grid, target: Grid) throws -> TransformLattice {
        guard let inverse = source.transform.inverted() else {
            throw GDALError(operation: "align to the target grid", path: "", message: "the source geotransform is singular")
        }
        let cx = (target.width + cellSize - 1) / cellSize, cy = (target.height + cellSize - 1) / cellSize
        let maxLevel = 5  // step 1
        let side = cellSize + 1
        // Rows of cells in contiguous bands, one per core, each with its own PROJ transformation
        // and scratch; a cell's step depends on that cell only, and the largest error is a
        // maximum, so the lattice is the same for any number of bands.
        let bands = max(1, min(cy, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var levels = [UInt8](repeating: 0, count: cx * cy)
        var worstOfBand = [Double](repeating: 0, count: bands)
        var failureOfBand = [Error?](repeating: nil, count: bands)
        // Each band writes only its own slots, through buffer pointers (no shared Array access).
        levels.withUnsafeMutableBufferPointer { levelSlots in
          worstOfBand.withUnsafeMutableBufferPointer { worstSlots in
            failureOfBand.withUnsafeMutableBufferPointer { failureSlots in
              nonisolated(unsafe) let levelSlots = levelSlots, worstSlots = worstSlots, failureSlots = failureSlots
              DispatchQueue.concurrentPerform(iterations: bands) { b in
                do {
                    let ct = try CoordinateTransform(from: target.crsWKT, to: source.crsWKT)
                    let points = Points(capacity: side * side)
                    var worst = 0.0
                    for j in (cy * b / bands)..<(cy * (b + 1) / bands) {
                        for i in 0..<cx {
                            var level = 0
                            while level < maxLevel {
                                let s = cellSize >> level, half = s / 2
                                let n = cellSize / half + 1
                                points.fill(target: target, inverse: inverse, transform: ct, col0: i * cellSize, row0: j * cellSize,
                                            step: half, side: n)
                                if let err = points.interpolationError(side: n), err <= tolerance {
                                    worst = max(worst, err)
                                    break
                                }
                                level += 1
                            }
                            levelSlots[j * cx + i] = UInt8(level)
                        }
                    }
                    worstSlots[b] = worst
                } catch {
                    failureSlots[b] = error
                }
              }
            }
          }
        }
        if let failure = failureOfBand.lazy.compactMap({ $0 }).first { throw failure }
        let worst = worstOfBand.max() ?? 0
        return TransformLattice(id: UInt64.random(in: 1...UInt64.max), target: target, sourceCRS: source.crsWKT,
                                sourceInverse: inverse, cellsX: cx, cellsY: cy, levels: levels, measuredError: worst)
    }

    /// Fills `x`, `y` (window.pixelCount values each, row-major) with the source pixel/line
    /// coordinates of the window's pixel centres; NaN where PROJ cannot transform.
    func coordinates(window w: Window, transform ct: CoordinateTransform, nodes: Points,
                     x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>) {
        let cs = TransformLattice.cellSize
        for j in (w.row / cs)...((w.rowEnd - 1) / cs) {
            for i in (w.col / cs)...((w.colEnd - 1) / cs) {
                let s = cs >> Int(levels[j * cellsX + i])
                let side = cs / s + 1
                let c0 = i * cs, r0 = j * cs
                nodes.fill(target: target, inverse: sourceInverse, transform: ct, col0: c0, row0: r0, step: s, side: side)
                let rs = max(r0, w.row), re = min(r0 + cs, w.rowEnd)
                let ce = min(c0 + cs, w.colEnd), cb = max(c0, w.col)
                let inv = 1 / Double(s)
                for r in rs..<re {
                    let v = r - r0, nj = v / s, fy = Double(v - nj * s) * inv
                    let out = (r - w.row) * w.width - w.col
                    for c in cb..<ce {
                        let u = c - c0, ni = u / s, fx = Double(u - ni * s) * inv
                        let k = nj * side + ni
                        if fx == 0 && fy == 0 {
                            x[out + c] = nodes.x[k]
                            y[out + c] = nodes.y[k]
                        } else {
                            x[out + c] = Points.blend(nodes.x, k, side, fx, fy)
                            y[out + c] = Points.blend(nodes.y, k, side, fx, fy)
                        }
                    }
                }
            }
        }
    }
}

/// Exactly transformed pixel centres of one cell at one step (a scratch buffer).
final class Points {
    let x, y, z: UnsafeMutablePointer<Double>
    let ok: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
        x = .allocate(capacity: capacity)
        y = .allocate(capacity: capacity)
        z = .allocate(capacity: capacity)
        ok = .allocate(capacity: capacity)
    }

    deinit {
        x.deallocate()
        y.deallocate()
        z.deallocate()
        ok.deallocate()
    }

    /// The source pixel/line of the centres of target pixels (col0 + a·step, row0 + b·step),
    /// a, b in 0..<side, row-major.
    func fill(target: Grid, inverse: GeoTransform, transform ct: CoordinateTransform, col0: Int, row0: Int, step: Int, side: Int) {
        let t = target.transform
        for b in 0..<side {
            for a in 0..<side {
                let g = t.apply(col: Double(col0 + a * step) + 0.5, row: Double(row0 + b * step) + 0.5)
                x[b * side + a] = g.x
                y[b * side + a] = g.y
            }
        }
        let n = side * side
        ct.transform(x: x, y: y, z: z, success: ok, count: n)
        for k in 0..<n {
            let p = inverse.apply(col: x[k], row: y[k])
            x[k] = p.x
            y[k] = p.y
        }
    }

    /// Bilinear interpolation between node k (top-left), k + 1, k + side, k + side + 1.
    @inline(__always)
    static func blend(_ v: UnsafeMutablePointer<Double>, _ k: Int, _ side: Int, _ fx: Double, _ fy: Double) -> Double {
        let top = v[k] + fx * (v[k + 1] - v[k])
        let bottom = v[k + side] + fx * (v[k + side + 1] - v[k + side])
        return top + fy * (bottom - top)
    }

    /// With points at step h on a side × side lattice: the largest |interpolated − exact|
    /// (x or y) at the points with an odd index, interpolated from the even ones (step 2h).
    /// Nil when a point could not be transformed.
    func interpolationError(side: Int) -> Double? {
        var worst = 0.0
        let coarse = (side - 1) / 2 + 1
        for b in 0..<side {
            for a in 0..<side {
                let k = b * side + a
                guard x[k].isFinite, y[k].isFinite else { return nil }
                if a % 2 == 0 && b % 2 == 0 { continue }
                let ia = min(a / 2, coarse - 2), ib = min(b / 2, coarse - 2)
                let fx = Double(a - 2 * ia) / 2, fy = Double(b - 2 * ib) / 2
                func node(_ v: UnsafeMutablePointer<Double>, _ p: Int, _ q: Int) -> Double { v[(2 * q) * side + 2 * p] }
                for v in [x, y] {
                    let top = node(v, ia, ib) + fx * (node(v, ia + 1, ib) - node(v, ia, ib))
                    let bottom = node(v, ia, ib + 1) + fx * (node(v, ia + 1, ib + 1) - node(v, ia, ib + 1))
                    worst = max(worst, abs(top + fy * (bottom - top) - v[k]))
                }
            }
        }
        return worst
    }
}
