import Foundation
import GDALKit
import SinkmapKernels

/// Stage 5 of a tile: the five output planes written into the run's intermediate raster
/// (uncompressed, 5 bands, 256-pixel blocks; compressed later into COGs in parallel).
/// Shared by the workers behind a lock held only while GDAL copies a tile to the file.
/// A shard's sink holds only `area`, the part of the grid its tiles lie in (the file is that
/// part of the grid; windows are given in grid coordinates).
public final class TileSink: @unchecked Sendable {
    public let path: String
    /// The part of the grid the file holds (the whole grid for a run).
    public let area: Window
    /// nil once `finish` has closed the file.
    private var writer: RasterWriter?
    private let lock = NSLock()
    private var written = Set<Window>()

    public init(path: String, grid: Grid, area: Window? = nil) throws {
        self.path = path
        let area = area ?? grid.window
        self.area = area
        writer = try RasterWriter(path: path, grid: grid.cropped(to: area), bands: 5, nodata: Double(OutputLayers.nodata),
                                  blockSize: TileSink.blockSize, compress: "NONE")
    }

    /// The file's block edge.
    public static let blockSize = 256

    /// Writes the 5 planes of `window.pixelCount` values each (`window` in grid coordinates,
    /// inside `area`).
    public func write(_ planes: UnsafeMutablePointer<Float>, window: Window) throws {
        lock.lock(); defer { lock.unlock() }
        let n = window.pixelCount
        precondition(window.intersection(area) == window, "tile \(window) outside the sink's area \(area)")
        let local = Window(col: window.col - area.col, row: window.row - area.row, width: window.width, height: window.height)
        let writer = try open()
        for b in 0..<5 { try writer.write(band: b + 1, window: local, from: planes + b * n) }
        // Write the tile's blocks now, under the lock: otherwise GDAL's cache would evict them
        // later from whichever thread needs room, and a write error would surface elsewhere.
        try writer.flush()
        written.insert(window)
    }

    /// Whether `window` was written (the whole tile, as one call).
    public func hasWritten(_ window: Window) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return written.contains(window)
    }

    /// Names the bands and units and sets dataset metadata, before the outputs are copied.
    public func describe(bands: [(description: String, unit: String)], metadata: [String: String]) throws {
        lock.lock(); defer { lock.unlock() }
        let writer = try open()
        for (i, b) in bands.enumerated() { try writer.describe(band: i + 1, description: b.description, unit: b.unit) }
        try writer.setMetadata(metadata)
    }

    /// Closes the file (every block, the directory and the metadata on disk) and opens it
    /// read-only: the dataset to convert band by band, which other handles may read too.
    public func finish() throws -> Dataset {
        lock.lock(); defer { lock.unlock() }
        if let writer {
            try writer.flush()
            self.writer = nil  // the last reference: GDAL closes the file
        }
        return try Dataset(path: path)
    }

    private func open() throws -> RasterWriter {
        guard let writer else { throw GDALError(operation: "write", path: path, message: "the intermediate raster was already finished") }
        return writer
    }
}
