import Crypto
import Foundation
import GDALKit
import SinkmapKernels
import SinkmapScene
import SinkmapArchive
import SinkmapBase

/// `shard.json` in a shard's directory: what the shard computed (its exact partials), of
/// which scene and plan, by which software, and where its raster piece is. `merge` puts
/// shards together only when everything but the shard number agrees.
public struct ShardManifest: ArchiveJSON, Sendable, Equatable {
    public static let fileName = "shard.json"
    /// The shard's five output bands on its rows of the grid (uncompressed GeoTIFF).
    public static let pieceName = "layers.tif"

    public var format = 1
    public var software: Summary.Software
    public var scene: Summary.SceneInfo
    /// `ShardManifest.fingerprint` of the scene when the shard ran.
    public var sceneFingerprint: String
    /// `RunPlan.key`: grid, CRS, tile size and slot layout.
    public var plan: String
    public var tileSize: Int
    public var tileCount: Int
    public var shard: ShardSpec
    /// The tile range lo..<hi, as [lo, hi].
    public var tiles: [Int]
    /// The grid rows of the piece, [col, row, width, height]; absent for a shard without tiles.
    public var area: [Int]?
    public var host: String
    public var commandLine: [String]
    public var timingsSeconds: [String: Double]
    public var partials: RunPartials

    enum CodingKeys: String, CodingKey {
        case format, software, scene, sceneFingerprint = "scene_fingerprint", plan, tileSize = "tile_size"
        case tileCount = "tile_count", shard, tiles, area, host, commandLine = "command_line"
        case timingsSeconds = "timings_seconds", partials
    }

    public var areaWindow: Window? { area.map { Window(col: $0[0], row: $0[1], width: $0[2], height: $0[3]) } }

    public static func software(version: String) -> Summary.Software {
        Summary.Software(name: "sinkmap", version: version, gdal: GDAL.version, build: KernelBuild.target)
    }

    /// Reads `DIR/shard.json`; one line naming the directory when it is not a shard.
    public static func read(directory: String) throws -> ShardManifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refusal("\(directory): not a shard directory (no \(fileName); made by sinkmap run --shard K/N)")
        }
        do {
            return try decode(data)
        } catch let e as Refusal {
            throw Refusal("\(path): \(e.description)")
        } catch {
            throw Refusal("\(path): not a readable shard manifest (\(error))")
        }
    }


    /// A fingerprint of the scene as it is on disk: SHA-256 over the scene file's bytes, and
    /// for every input file its role, path, size and the SHA-256 of its first and last 64 KiB.
    /// Cheap (every shard computes it, and the merge again); the full checksums of the inputs
    /// are computed once, by the merge, for summary.json.
    public static func fingerprint(_ scene: PreparedScene) throws -> String {
        var h = SHA256()
        func add(_ s: String) { h.update(data: Data((s + "\n").utf8)) }
        add("scene " + (try Checksums.sha256(path: scene.scene.file).hex))
        for f in scene.inputFiles {
            guard let file = GDALPath.localFile(f.path) else { add("input \(f.role) \(f.path) remote"); continue }
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: file])
            }
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            let edge: UInt64 = 64 << 10
            try handle.seek(toOffset: 0)
            let head = try handle.read(upToCount: Int(edge)) ?? Data()
            try handle.seek(toOffset: size > edge ? size - edge : 0)
            let tail = try handle.read(upToCount: Int(edge)) ?? Data()
            let ends = SHA256.hash(data: head + tail).map { String(format: "%02x", $0) }.joined()
            add("input \(f.role) \(f.path) \(size) \(ends)")
        }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
