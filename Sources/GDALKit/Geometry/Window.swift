/// A rectangular block of pixels: column/row offset and size. A pure value.
public struct Window: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var col: Int
    public var row: Int
    public var width: Int
    public var height: Int

    public init(col: Int, row: Int, width: Int, height: Int) {
        self.col = col
        self.row = row
        self.width = width
        self.height = height
    }

    /// The whole of a width × height raster.
    public init(width: Int, height: Int) {
        self.init(col: 0, row: 0, width: width, height: height)
    }

    public var pixelCount: Int { width * height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var colEnd: Int { col + width }
    public var rowEnd: Int { row + height }

    /// The overlap of two windows, nil when they do not overlap.
    public func intersection(_ other: Window) -> Window? {
        let c0 = max(col, other.col), r0 = max(row, other.row)
        let c1 = min(colEnd, other.colEnd), r1 = min(rowEnd, other.rowEnd)
        guard c1 > c0, r1 > r0 else { return nil }
        return Window(col: c0, row: r0, width: c1 - c0, height: r1 - r0)
    }

    /// Splits the window into tiles of at most `tileWidth` × `tileHeight`, row-major.
    /// The tiles cover the window exactly once.
    public func subdivide(tileWidth: Int, tileHeight: Int) -> [Window] {
        precondition(tileWidth > 0 && tileHeight > 0, "tile size must be positive")
        var tiles: [Window] = []
        tiles.reserveCapacity(((height + tileHeight - 1) / tileHeight) * ((width + tileWidth - 1) / tileWidth))
        var r = row
        while r < rowEnd {
            let h = min(tileHeight, rowEnd - r)
            var c = col
            while c < colEnd {
                let w = min(tileWidth, colEnd - c)
                tiles.append(Window(col: c, row: r, width: w, height: h))
                c += w
            }
            r += h
        }
        return tiles
    }

    public var description: String { "[col \(col), row \(row), \(width)×\(height)]" }
}
