import Foundation
import GDALKit
import SinkmapScene
import SinkmapArchive
import SinkmapKernels
import SinkmapSchedule
import SinkmapBase

/// `sinkmap merge SHARDDIR... --out DIR`: checks that the shards belong together, adds their
/// exact partials, assembles their raster pieces through a VRT and finalizes exactly as a
/// whole run does, so the outputs are the same bytes (summary.json adds the shard list).
public enum ShardMerger {
    public static func merge(_ directories: [String], options: RunOptions, progress: ProgressMeter) throws -> RunReport {
        let started = Date()
        var clock = Stopwatch()
        let dirs = directories.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let manifests = try dirs.map(ShardManifest.read(directory:))
        try checkTogether(manifests, directories: directories)
        let first = manifests[0]
        // The scene as the shards saw it (the merge needs its zones, table and checks again).
        let scene = try SceneValidator.prepare(try SceneParser.load(path: first.scene.file))
        let now = try ShardManifest.fingerprint(scene)
        guard now == first.sceneFingerprint else {
            throw Refusal("\(first.scene.file): the scene or one of its inputs changed since the shards ran (fingerprint \(now.prefix(12)), shards \(first.sceneFingerprint.prefix(12))); run the shards again")
        }
        GDAL.initialize()
        GDAL.limitCache(megabytes: 64)
        let plan = try RunPlan(scene, tileSize: first.tileSize)
        guard plan.key == first.plan else {
            throw Refusal("the shards' plan (\(first.plan)) is not this build's plan of the scene (\(plan.key))")
        }
        var partials = first.partials
        for m in manifests.dropFirst() { try partials.merge(m.partials) }
        let checksums = ChecksumJob.start(files: scene.inputFiles)

        let out = try OutputDirectory(final: options.outDir, overwrite: options.overwrite,
                                      protecting: [scene.scene.file] + scene.inputFiles.map(\.path) + dirs)
        return try out.complete { out in
            let order = manifests.indices.sorted { manifests[$0].shard.index < manifests[$1].shard.index }
            var pieces: [MosaicVRT.Piece] = []
            for i in order {
                let m = manifests[i], file = dirs[i] + "/" + ShardManifest.pieceName
                guard let area = m.areaWindow, FileManager.default.fileExists(atPath: file) else {
                    throw Refusal("\(directories[i]): shard \(m.shard) has no raster piece (\(ShardManifest.pieceName)); run it again")
                }
                for r in ShardSpec.rectangles(of: m.tiles[0]..<m.tiles[1], tiles: plan.tiles) {
                    let source = Window(col: r.col - area.col, row: r.row - area.row, width: r.width, height: r.height)
                    pieces.append(MosaicVRT.Piece(file: file, sourceWindow: source, targetWindow: r))
                }
            }
            let vrtPath = out.file(".layers.vrt")
            let vrt = MosaicVRT(grid: scene.grid, bands: OutputLayers.bands, nodata: Double(OutputLayers.nodata),
                                metadata: Engine.outputMetadata(scene, version: options.softwareVersion), pieces: pieces,
                                sourceBlockSize: TileSink.blockSize)
            try Engine.refuseEmpty(partials.sums, scene: scene)
            let layers = try vrt.write(to: vrtPath)
            let shards = order.map { i in
                Summary.ShardInfo(shard: "\(manifests[i].shard)", directory: dirs[i], host: manifests[i].host,
                                  tiles: manifests[i].tiles, timingsSeconds: manifests[i].timingsSeconds)
            }
            let threads = RunPlan.threads(options.threads, tileCount: plan.tiles.count)
            progress.message("sinkmap: \(scene.scene.name): merging \(manifests.count) shards (\(plan.tiles.count) tiles of \(plan.tileSize))")
            let report = try Engine.writeOutputs(partials, plan: plan, layers: layers, out: out, context: .init(
                threads: threads, softwareVersion: options.softwareVersion, checksums: checksums.wait,
                timings: [("check_shards", clock.lap())], commandLine: options.commandLine, started: started,
                progress: progress, compression: options.compression, shards: shards), rastersWritten: { try? FileManager.default.removeItem(atPath: vrtPath) })
            return report
        }
    }

    /// Refuses, in one line naming what differs, shards that are not the N shards of one run
    /// of one scene by one build: software, scene, plan, N, a shard twice or missing.
    public static func checkTogether(_ m: [ShardManifest], directories: [String]) throws {
        guard let a = m.first else { throw Refusal("merge: no shard directories given") }
        let da = directories[0]
        for (b, db) in zip(m, directories).dropFirst() {
            if b.software.version != a.software.version || b.software.build != a.software.build {
                throw Refusal("\(db) was made by sinkmap \(b.software.version) (\(b.software.build)), \(da) by \(a.software.version) (\(a.software.build)); shards must come from one build")
            }
            if b.sceneFingerprint != a.sceneFingerprint || b.scene != a.scene {
                throw Refusal("\(db) is a shard of another scene (\(b.scene.name), \(b.scene.file), fingerprint \(b.sceneFingerprint.prefix(12))) than \(da) (\(a.scene.name), \(a.scene.file), fingerprint \(a.sceneFingerprint.prefix(12)))")
            }
            if b.tileSize != a.tileSize {
                throw Refusal("\(db) was run with tiles of \(b.tileSize) px, \(da) with \(a.tileSize) px; shards must share --tile-size")
            }
            if b.plan != a.plan || b.tileCount != a.tileCount {
                throw Refusal("\(db) has another plan (\(b.plan)) than \(da) (\(a.plan))")
            }
            if b.shard.count != a.shard.count {
                throw Refusal("\(db) is shard \(b.shard) of \(b.shard.count), \(da) is shard \(a.shard) of \(a.shard.count); shards must split the scene the same way")
            }
        }
        var seen: [Int: String] = [:]
        for (b, db) in zip(m, directories) {
            if let other = seen[b.shard.index] { throw Refusal("shard \(b.shard) is given twice: \(other) and \(db)") }
            seen[b.shard.index] = db
            let expected = b.shard.tiles(of: b.tileCount)
            guard b.tiles == [expected.lowerBound, expected.upperBound], b.partials.tiles == Array(expected) else {
                throw Refusal("\(db): shard \(b.shard) holds tiles other than its range \(expected.lowerBound)..<\(expected.upperBound)")
            }
        }
        let missing = (1...a.shard.count).filter { seen[$0] == nil }
        if !missing.isEmpty {
            let list = missing.map { "\($0)/\(a.shard.count)" }.joined(separator: ", ")
            throw Refusal("shard\(missing.count == 1 ? "" : "s") \(list) missing (given \(m.count) of \(a.shard.count)); run \(missing.count == 1 ? "it" : "them") with sinkmap run \(a.scene.file) --shard K/\(a.shard.count) --tile-size \(a.tileSize) and merge again")
        }
    }
}
