/// The affine map from pixel/line to georeferenced coordinates, in GDAL's
/// coefficient order: x = c0 + col·c1 + row·c2, y = c3 + col·c4 + row·c5.
public struct GeoTransform: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var originX: Double
    public var pixelWidth: Double
    public var rowRotation: Double
    public var originY: Double
    public var columnRotation: Double
    public var pixelHeight: Double

    public init(originX: Double, pixelWidth: Double, rowRotation: Double = 0,
                originY: Double, columnRotation: Double = 0, pixelHeight: Double) {
        self.originX = originX
        self.pixelWidth = pixelWidth
        self.rowRotation = rowRotation
        self.originY = originY
        self.columnRotation = columnRotation
        self.pixelHeight = pixelHeight
    }

    /// From GDAL's six coefficients (GDALGetGeoTransform order).
    public init(gdal c: [Double]) {
        precondition(c.count == 6, "a GDAL geotransform has six coefficients")
        self.init(originX: c[0], pixelWidth: c[1], rowRotation: c[2],
                  originY: c[3], columnRotation: c[4], pixelHeight: c[5])
    }

    /// GDAL's six coefficients.
    public var gdal: [Double] { [originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight] }

    /// True when the grid is north-up (no rotation terms).
    public var isNorthUp: Bool { rowRotation == 0 && columnRotation == 0 }

    /// Georeferenced coordinates of the pixel/line position (col, row); (0.5, 0.5) is the first pixel's centre.
    public func apply(col: Double, row: Double) -> (x: Double, y: Double) {
        (originX + col * pixelWidth + row * rowRotation,
         originY + col * columnRotation + row * pixelHeight)
    }

    /// The inverse map, nil when the transform is singular.
    public func inverted() -> GeoTransform? {
        let det = pixelWidth * pixelHeight - rowRotation * columnRotation
        guard det != 0, det.isFinite else { return nil }
        let a = pixelHeight / det, b = -rowRotation / det
        let d = -columnRotation / det, e = pixelWidth / det
        return GeoTransform(originX: -(a * originX + b * originY), pixelWidth: a, rowRotation: b,
                            originY: -(d * originX + e * originY), columnRotation: d, pixelHeight: e)
    }

    /// The transform of the window whose top-left pixel is (col, row) of this grid.
    public func offset(col: Int, row: Int) -> GeoTransform {
        let o = apply(col: Double(col), row: Double(row))
        var t = self
        t.originX = o.x
        t.originY = o.y
        return t
    }

    /// Area of one cell in the CRS's squared units (|determinant|).
    public var cellArea: Double { abs(pixelWidth * pixelHeight - rowRotation * columnRotation) }

    public var description: String {
        "(\(originX), \(pixelWidth), \(rowRotation), \(originY), \(columnRotation), \(pixelHeight))"
    }
}
