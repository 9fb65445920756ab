// The I/O floor of a scene: every input window the run reads, decoded (and warped) by the
// same TileReader, and five COGs encoded, but no science and no accumulation. What a run
// costs beyond this is the kernels and the tables. The outputs hold input values (July
// NDVI, temperature, precipitation, radiation, land cover), so the encoder compresses data
// of realistic entropy instead of constants.
//
//   IOFloorBench SCENE.yaml --out DIR [--threads N] [--true]
//
// With --true, the true floor instead (TrueFloor.swift): every input byte decoded once, no
// warping at all, and the same five COGs encoded.
import Dispatch
import Foundation
import GDALKit
import SinkmapAccounting
import SinkmapArchive
import SinkmapEngine
import SinkmapKernels
import SinkmapScene

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("IOFloorBench: \(message)\n".utf8))
    exit(1)
}

var args = Array(CommandLine.arguments.dropFirst())
var threads = ProcessInfo.processInfo.activeProcessorCount
var outDir: String?
var scenePath: String?
var trueMode = false
while !args.isEmpty {
    let a = args.removeFirst()
    switch a {
    case "--threads": threads = Int(args.isEmpty ? "" : args.removeFirst()) ?? 0
    case "--out": outDir = args.isEmpty ? nil : args.removeFirst()
    case "--true": trueMode = true
    default: scenePath = a
    }
}
guard let scenePath, let outDir, threads >= 1 else { fail("usage: IOFloorBench SCENE.yaml --out DIR [--threads N] [--true]") }

do {
    GDAL.initialize()
    GDAL.limitCache(megabytes: 64)
    let scene = try SceneValidator.prepare(try SceneParser.load(path: scenePath))
    let out = try OutputDirectory(final: outDir, overwrite: true, protecting: [scene.scene.file] + scene.inputFiles.map(\.path))
    let plan = try RunPlan(scene, tileSize: nil)
    let sink = try TileSink(path: out.file(".layers.tif"), grid: scene.grid)
    let workers = RunPlan.threads(threads, tileCount: plan.tiles.count)
    let lock = NSLock()
    nonisolated(unsafe) var next = 0
    nonisolated(unsafe) var failure: Error?
    let start = DispatchTime.now().uptimeNanoseconds
    if trueMode { try trueFloor(scene: scene, plan: plan, sink: sink, workers: workers) }
    DispatchQueue.concurrentPerform(iterations: trueMode ? 0 : workers) { _ in
        let reader = TileReader(scene: scene, capacity: plan.capacity)
        let planes = UnsafeMutablePointer<Float>.allocate(capacity: 5 * plan.capacity)
        var leftOut = LeftOut()
        defer { planes.deallocate() }
        while true {
            lock.lock()
            let t = failure == nil && next < plan.tiles.count ? next : nil
            next += 1
            lock.unlock()
            guard let t else { return }
            let w = plan.tiles[t]
            let n = w.pixelCount
            do {
                try reader.read(w, leftOut: &leftOut)
                let sources = [reader.ndvi + 6 * n, reader.temperature + 6 * n, reader.precipitation + 6 * n,
                               reader.radiation + 6 * n, reader.landcover]
                for (b, s) in sources.enumerated() { (planes + b * n).update(from: s, count: n) }
                RasterValues.nanToNodata(planes, count: 5 * n, nodata: OutputLayers.nodata)
                try sink.write(planes, window: w)
            } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
                return
            }
        }
    }
    if let failure { throw failure }
    let layers = try sink.finish()
    for (i, name) in OutputLayers.names.enumerated() {
        try COG.write(from: layers, band: i + 1, to: out.file("\(name).tif"), threads: workers)
    }
    try? FileManager.default.removeItem(atPath: sink.path)
    try out.commit()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: trueMode ? "true floor: %d tiles, %d threads, %.3f s" : "I/O floor: %d tiles, %d threads, %.3f s", plan.tiles.count, workers, seconds))
} catch {
    fail("\(error)")
}
