import Foundation
import GDALKit

/// A temporary directory removed when the value goes away.
public final class TempDir: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "test") {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/sinkmap-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }
}

/// Where things are in the repository.
public enum Repo {
    /// The package root (found from this source file's location).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var demoScene: String { root + "/testdata/demo/scene.yaml" }

    /// The `sinkmap` executable built beside the test bundle.
    public static var sinkmap: String {
        let dir = Bundle.main.executableURL?.deletingLastPathComponent().path ?? root + "/.build/debug"
        for candidate in [dir + "/sinkmap", root + "/.build/debug/sinkmap"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return dir + "/sinkmap"
    }
}

/// Result of running a program.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion, capturing its output.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Drain both pipes while the process runs.
    final class Box: @unchecked Sendable { var data = Data() }
    let outBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let outData = outBox.data
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs the `sinkmap` executable.
public func sinkmap(_ arguments: String...) throws -> ProcessResult {
    try runProcess(Repo.sinkmap, arguments)
}

/// Small rasters and polygon files for tests, written through GDALKit.
public enum Fixtures {
    /// Writes a tiled GeoTIFF of `bands` planes (row-major Float values, one array per band).
    public static func raster(_ path: String, grid: Grid, bands: [[Float]], type: PixelType = .float32,
                              nodata: Double? = nil, scale: Double? = nil) throws {
        let w = try RasterWriter(path: path, grid: grid, bands: bands.count, type: type, nodata: nodata,
                                 blockSize: 16, compress: "DEFLATE")
        for (i, values) in bands.enumerated() {
            precondition(values.count == grid.pixelCount)
            try values.withUnsafeBufferPointer { try w.write(band: i + 1, window: grid.window, from: $0.baseAddress!) }
        }
        if let scale { try w.setScale(scale) }
        try w.flush()
    }

    /// Writes polygons (WKT) with text attributes to a GeoPackage layer.
    public static func polygons(_ path: String, layer: String, crs: String, fields: [String],
                                features: [(wkt: String, values: [String])]) throws {
        let srs = try SpatialReference(definition: crs)
        let w = try VectorWriter(path: path)
        let l = try w.createLayer(layer, srs: srs, fields: fields.map { ($0, .string) })
        for f in features {
            try l.add(zip(fields, f.values).map { ($0, .string($1)) }, geometry: try Geometry(wkt: f.wkt))
        }
    }

    /// A north-up grid in `crs`.
    public static func grid(crs: String, originX: Double, originY: Double, pixel: Double, width: Int, height: Int) throws -> Grid {
        Grid(crsWKT: try SpatialReference(definition: crs).wkt,
             transform: GeoTransform(originX: originX, pixelWidth: pixel, originY: originY, pixelHeight: -pixel),
             width: width, height: height)
    }

    /// A rectangle as WKT.
    public static func rectangle(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
        "POLYGON ((\(x0) \(y0), \(x1) \(y0), \(x1) \(y1), \(x0) \(y1), \(x0) \(y0)))"
    }
}

/// A deterministic pseudo-random generator (SplitMix64) for reproducible test data.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
