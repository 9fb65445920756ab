import GDALKit

/// An input that already lies on the grid's lattice (same CRS, same pixel size, origin a
/// whole number of pixels away): grid pixel (c, r) is file pixel (c + colOffset, r + rowOffset).
public struct DirectSource: RasterSource {
    public var path: String
    public var colOffset: Int
    public var rowOffset: Int

    public init(path: String, colOffset: Int, rowOffset: Int) {
        self.path = path
        self.colOffset = colOffset
        self.rowOffset = rowOffset
    }

    public var key: String { path }
    public var resamplingDescription: String { "on grid" }
    public var masksNodata: Bool { false }

    public func open(path: String) throws -> Dataset { try Dataset(path: self.path) }

    public func read(bands: [Int], window: Window, from dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) throws {
        let w = Window(col: window.col + colOffset, row: window.row + rowOffset, width: window.width, height: window.height)
        try dataset.readPlanes(bands: bands, window: w, into: buffer)
    }
}
