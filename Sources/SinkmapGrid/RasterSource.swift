import GDALKit

/// Where the pixels of an input come from once it is on the target grid. A source is a
/// value any thread can use to open its own handle and read a window of the grid.
/// Today's sources: `DirectSource` (the file already lies on the grid's lattice),
/// `BilinearSource` (sinkmap's own bilinear resampler for coarser continuous inputs),
/// `AverageSource` (its own `average` for finer continuous inputs in the grid's CRS) and
/// `WarpedVRTSource` (GDAL's warper, for everything else).
public protocol RasterSource: Sendable {
    /// Inputs with equal keys share one handle per thread and one read request per tile.
    var key: String { get }
    /// How the input reaches the grid, for `validate` (e.g. "on grid", "bilinear").
    var resamplingDescription: String { get }
    /// Whether the source masks the band's nodata itself (values come as NaN).
    var masksNodata: Bool { get }
    /// Opens a handle for the calling thread.
    func open(path: String) throws -> Dataset
    /// Reads `bands` over a window of the target grid, as raw Float32 into consecutive
    /// planes of `window.pixelCount` values (NaN outside the input).
    func read(bands: [Int], window: Window, from dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) throws
    /// The same with a worker's `ReadScratch`, which a source may use to keep state between
    /// reads on that thread (the resampler's weights, shared by inputs on one source grid).
    func read(bands: [Int], window: Window, from dataset: Dataset, scratch: ReadScratch,
              into buffer: UnsafeMutablePointer<Float>) throws
}

extension RasterSource {
    public func read(bands: [Int], window: Window, from dataset: Dataset, scratch: ReadScratch,
                     into buffer: UnsafeMutablePointer<Float>) throws {
        try read(bands: bands, window: window, from: dataset, into: buffer)
    }
}

extension RasterSource {
    /// Whether two sources are the same (same kind and same key).
    func isSame(as other: any RasterSource) -> Bool {
        type(of: self) == type(of: other) && key == other.key
    }
}

/// A source that resamples one file itself, keeping per-thread state in a worker's
/// `ReadScratch` (the own resamplers): its key names the method, the file and the bands'
/// nodata; it masks nodata; a read without a worker's scratch uses a fresh one.
public protocol ResamplingSource: RasterSource {
    var path: String { get }
    /// The nodata value of every band of the file (the scene's override, else the band's).
    var bandNodata: [Double?] { get }
    /// GDAL's name of the method ("bilinear", "average").
    var method: String { get }
}

extension ResamplingSource {
    public var key: String { method + "|" + path + "|" + bandNodata.map { $0.map { "\($0)" } ?? "-" }.joined(separator: ",") }
    public var resamplingDescription: String { method }
    public var masksNodata: Bool { true }

    public func open(path: String) throws -> Dataset { try Dataset(path: self.path) }

    public func read(bands: [Int], window: Window, from dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) throws {
        try read(bands: bands, window: window, from: dataset, scratch: ReadScratch(), into: buffer)
    }
}
