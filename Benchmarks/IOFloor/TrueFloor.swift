// The true floor of a scene (`IOFloorBench --true`): every byte of every input file decoded
// once and five COGs encoded, with no warping and no science. Inputs already on the grid
// (NDVI, land cover) are read tile by tile, as a run reads them; every other file (climate,
// canopy height) is decoded whole, all its bands, in strips of its own blocks. The outputs
// hold five of the on-grid planes (land cover and four NDVI months), so the encoder
// compresses data of realistic entropy.
import Dispatch
import Foundation
import GDALKit
import SinkmapAccounting
import SinkmapArchive
import SinkmapEngine
import SinkmapKernels
import SinkmapGrid
import SinkmapScene

/// A unit of decoding work: a strip of rows of one input file (all bands).
struct Strip {
    var path: String
    var window: Window
}

/// The strips of every input file that does not lie on the grid.
func offGridStrips(_ scene: PreparedScene) throws -> [Strip] {
    var seen = Set<String>()
    var strips: [Strip] = []
    for (_, _, r) in scene.bandsUsed where r.resamplingDescription != "on grid" && !seen.contains(r.path) {
        seen.insert(r.path)
        let ds = try Dataset(path: r.path)
        let rows = max(try ds.bandInfo(1).blockHeight, 64)
        var row = 0
        while row < ds.height {
            strips.append(Strip(path: r.path, window: Window(col: 0, row: row, width: ds.width, height: min(rows, ds.height - row))))
            row += rows
        }
    }
    return strips
}

/// Runs the true floor with `workers` threads; the tiles go to `sink`.
func trueFloor(scene: PreparedScene, plan: RunPlan, sink: TileSink, workers: Int) throws {
    let strips = try offGridStrips(scene)
    let groups = ReadGroup.plan(for: scene).filter { $0.rasters[0].resamplingDescription == "on grid" }
    let lock = NSLock()
    nonisolated(unsafe) var next = 0
    nonisolated(unsafe) var failure: Error?
    let jobs = strips.count + plan.tiles.count
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        var handles: [String: Dataset] = [:]
        let widest = groups.map(\.rasters.count).max() ?? 1
        let planes = UnsafeMutablePointer<Float>.allocate(capacity: 5 * plan.capacity)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: widest * plan.capacity)
        var stripBuffer: [Float] = []
        defer { planes.deallocate(); scratch.deallocate() }
        while true {
            lock.lock()
            let j = failure == nil && next < jobs ? next : nil
            next += 1
            lock.unlock()
            guard let j else { return }
            do {
                if j < strips.count {
                    let s = strips[j]
                    let ds = try handles[s.path] ?? Dataset(path: s.path)
                    handles[s.path] = ds
                    let need = s.window.pixelCount * ds.bandCount
                    if stripBuffer.count < need { stripBuffer = [Float](repeating: 0, count: need) }
                    try stripBuffer.withUnsafeMutableBufferPointer {
                        try ds.readPlanes(bands: Array(1...ds.bandCount), window: s.window, into: $0.baseAddress!)
                    }
                    continue
                }
                let w = plan.tiles[j - strips.count]
                let n = w.pixelCount
                var filled = 0
                for g in groups {
                    let ds = try handles[g.rasters[0].key] ?? g.rasters[0].open()
                    handles[g.rasters[0].key] = ds
                    try AlignedRaster.read(g.rasters, w, from: ds, into: scratch)
                    for k in 0..<g.rasters.count where filled < 5 && (g.targets[k] == .landcover || k % 3 == 0) {
                        (planes + filled * n).update(from: scratch + k * n, count: n)
                        filled += 1
                    }
                }
                while filled < 5 {
                    (planes + filled * n).update(from: planes, count: n)
                    filled += 1
                }
                RasterValues.nanToNodata(planes, count: 5 * n, nodata: OutputLayers.nodata)
                try sink.write(planes, window: w)
            } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
                return
            }
        }
    }
    if let failure { throw failure }
}
