import GDALKit

/// One band of an input raster brought onto the target grid, described as a value any
/// thread can open: the file, the band, how raw values become physical ones, and the
/// `RasterSource` that delivers the grid's pixels.
public struct AlignedRaster: Sendable {
    /// Absolute path of the input file.
    public var path: String
    public var band: Int
    public var scale: Double
    public var offset: Double
    /// The nodata value of the raw band (file's or the scene's override); nil when none.
    public var nodata: Double?
    public var source: any RasterSource
    public var grid: Grid
    /// The input's extent and resolution in the grid's CRS (nil when not computed).
    public var footprint: Footprint?

    public init(path: String, band: Int, scale: Double, offset: Double, nodata: Double?, source: any RasterSource, grid: Grid,
                footprint: Footprint? = nil) {
        self.path = path
        self.band = band
        self.scale = scale
        self.offset = offset
        self.nodata = nodata
        self.source = source
        self.grid = grid
        self.footprint = footprint
    }

    /// The share of `box` (xmin, ymin, xmax, ymax in the grid's CRS) the input's footprint
    /// leaves uncovered, 0...1 (0 when the footprint is unknown).
    public func uncoveredShare(of box: (xmin: Double, ymin: Double, xmax: Double, ymax: Double)) -> Double {
        guard let f = footprint?.bounds else { return 0 }
        let area = (box.xmax - box.xmin) * (box.ymax - box.ymin)
        guard area > 0 else { return 0 }
        let w = max(0, min(box.xmax, f.xmax) - max(box.xmin, f.xmin))
        let h = max(0, min(box.ymax, f.ymax) - max(box.ymin, f.ymin))
        return max(0, 1 - w * h / area)
    }

    /// Rasters with the same key are read through one handle and one request.
    public var key: String { source.key }
    public var resamplingDescription: String { source.resamplingDescription }

    /// Opens a handle for the calling thread.
    public func open() throws -> Dataset { try source.open(path: path) }

    /// Reads a window of the target grid into physical Float32 values (NaN = nodata),
    /// through a handle opened by `open()` on this thread.
    public func read(_ window: Window, from dataset: Dataset, into buffer: UnsafeMutablePointer<Float>) throws {
        try AlignedRaster.read([self], window, from: dataset, into: buffer)
    }

    /// Reads several bands of one input (all with the same `key`) in one request, into
    /// consecutive planes of `window.pixelCount` values, as physical values. A worker passes
    /// its own `scratch` (state kept between its reads); without one, a fresh one is used.
    public static func read(_ rasters: [AlignedRaster], _ window: Window, from dataset: Dataset,
                            scratch: ReadScratch? = nil, into buffer: UnsafeMutablePointer<Float>) throws {
        guard let first = rasters.first else { return }
        precondition(rasters.allSatisfy { $0.key == first.key }, "one request reads one input")
        let n = window.pixelCount
        try first.source.read(bands: rasters.map(\.band), window: window, from: dataset, scratch: scratch ?? ReadScratch(),
                              into: buffer)
        for (i, r) in rasters.enumerated() {
            let nodata = r.source.masksNodata ? nil : r.nodata
            RasterValues.toPhysical(buffer + i * n, count: n, scale: Float(r.scale), offset: Float(r.offset),
                                    nodata: nodata.map { Float($0) })
        }
    }
}

extension AlignedRaster: Equatable {
    public static func == (a: AlignedRaster, b: AlignedRaster) -> Bool {
        a.path == b.path && a.band == b.band && a.scale == b.scale && a.offset == b.offset && a.nodata == b.nodata
            && a.grid == b.grid && a.source.isSame(as: b.source)
    }
}
