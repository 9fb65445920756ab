import GDALKit

/// An input brought onto the grid by GDAL's warper: a Float32 warped VRT (its XML text)
/// of the grid's size, which re-projects and resamples block by block whenever a window
/// is read. The warper masks the source's nodata (NaN).
public struct WarpedVRTSource: RasterSource {
    public var vrt: String
    public var resampling: Resampling

    public init(vrt: String, resampling: Resampling) {
        self.vrt = vrt
        self.resampling = resampling
    }

    public var key: String { vrt }
    public var resamplingDescription: String { resampling == .nearest ? "nearest" : resampling.rawValue }
    public var masksNodata: Bool { true }

    public func open(path: String) throws -> Dataset { try Dataset(path: vrt, displayName: path) }

    public func read(bands: [Int], window: Window, from dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) throws {
        try dataset.readPlanes(bands: bands, window: window, into: buffer)
    }
}
