/// A raster grid: CRS (as WKT), geotransform and size. A pure value, safe to share.
public struct Grid: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var crsWKT: String
    public var transform: GeoTransform
    public var width: Int
    public var height: Int

    public init(crsWKT: String, transform: GeoTransform, width: Int, height: Int) {
        self.crsWKT = crsWKT
        self.transform = transform
        self.width = width
        self.height = height
    }

    /// A north-up grid covering `bounds` at `resolution` (square pixels); the
    /// size is rounded up so the grid covers the bounds.
    public init(crsWKT: String, resolution: Double, bounds: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)) {
        let w = Int((((bounds.xmax - bounds.xmin) / resolution) - 1e-9).rounded(.up))
        let h = Int((((bounds.ymax - bounds.ymin) / resolution) - 1e-9).rounded(.up))
        self.init(crsWKT: crsWKT,
                  transform: GeoTransform(originX: bounds.xmin, pixelWidth: resolution, originY: bounds.ymax, pixelHeight: -resolution),
                  width: max(w, 0), height: max(h, 0))
    }

    public var window: Window { Window(width: width, height: height) }
    public var pixelCount: Int { width * height }

    /// Extent (xmin, ymin, xmax, ymax) of a north-up grid, or of the window's corners in general.
    public func bounds(of window: Window? = nil) -> (xmin: Double, ymin: Double, xmax: Double, ymax: Double) {
        let w = window ?? self.window
        let corners = [
            transform.apply(col: Double(w.col), row: Double(w.row)),
            transform.apply(col: Double(w.colEnd), row: Double(w.row)),
            transform.apply(col: Double(w.col), row: Double(w.rowEnd)),
            transform.apply(col: Double(w.colEnd), row: Double(w.rowEnd)),
        ]
        return (corners.map(\.x).min()!, corners.map(\.y).min()!, corners.map(\.x).max()!, corners.map(\.y).max()!)
    }

    /// The part of the grid under `window`: same CRS and pixel size, origin at the window's corner.
    public func cropped(to window: Window) -> Grid {
        let corner = transform.apply(col: Double(window.col), row: Double(window.row))
        var t = transform
        t.originX = corner.x
        t.originY = corner.y
        return Grid(crsWKT: crsWKT, transform: t, width: window.width, height: window.height)
    }

    public var description: String { "\(width)×\(height) pixels, transform \(transform)" }
}
