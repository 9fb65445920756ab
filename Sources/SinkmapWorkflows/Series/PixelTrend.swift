import Foundation
import GDALKit
import SinkmapStatistics
import SinkmapKernels
import SinkmapSchedule

/// Per-pixel change and trend of a series: for NEP and the carbon stock, the last year minus
/// the first (`change/<q>_change.tif`) and the Theil–Sen slope per year, Mann–Kendall Z and
/// its two-sided p (`trend/<q>_slope.tif`, `<q>_mk_z.tif`, `<q>_mk_p.tif`), COGs on the
/// series' grid. Nodata where any year is nodata (the rule of every per-pixel output).
public enum PixelTrend {
    public struct Product: Sendable {
        /// Path relative to the series' directory.
        public var file: String
        public var description: String
        public var unit: String
    }

    /// `quantity` is an output raster of `run` ("nep", "carbon"); `unit` its unit.
    public static func products(_ quantity: String, unit: String) -> [Product] {
        [Product(file: "change/\(quantity)_change.tif", description: "\(quantity) change, last year minus first", unit: unit),
         Product(file: "trend/\(quantity)_slope.tif", description: "\(quantity) Theil-Sen slope per year", unit: "\(unit) per year"),
         Product(file: "trend/\(quantity)_mk_z.tif", description: "\(quantity) Mann-Kendall Z (ties corrected)", unit: ""),
         Product(file: "trend/\(quantity)_mk_p.tif", description: "\(quantity) Mann-Kendall two-sided p", unit: "")]
    }

    /// Rows per strip read and computed at once.
    static let stripRows = 256

    /// The intermediate raster, shared by the workers behind a lock held while GDAL copies a strip.
    final class StripSink: @unchecked Sendable {
        let writer: RasterWriter
        private let lock = NSLock()
        init(_ writer: RasterWriter) { self.writer = writer }

        func write(_ planes: UnsafePointer<Float>, bands: Int, window: Window) throws {
            lock.lock(); defer { lock.unlock() }
            let n = window.pixelCount
            for b in 0..<bands { try writer.write(band: b + 1, window: window, from: planes + b * n) }
            try writer.flush()
        }
    }

    /// Writes the four products of `quantity` from the years' rasters `inputs` (one per year,
    /// in year order, all on `grid`) into `directory`: strips of `stripRows` rows shared out to
    /// `threads` workers, each with its own datasets and buffers (nothing allocated per strip).
    public static func write(quantity: String, unit: String, inputs: [String], years: [Int], grid: Grid,
                      directory: String, threads: Int) throws {
        let products = products(quantity, unit: unit)
        let intermediatePath = directory + "/.\(quantity)-trend.tif"
        let writer = try RasterWriter(path: intermediatePath, grid: grid, bands: products.count, nodata: Double(OutputLayers.nodata),
                                      blockSize: 256, compress: "NONE")
        let sink = StripSink(writer)
        let strips = stride(from: 0, to: grid.height, by: stripRows).map {
            Window(col: 0, row: $0, width: grid.width, height: min(stripRows, grid.height - $0))
        }
        let n = years.count, bands = products.count
        let x = years.map(Double.init)
        let capacity = min(stripRows, grid.height) * grid.width
        let workers = Workers.count(threads, items: strips.count)
        let queue = TileQueue<Void>(tiles: strips.count, workers: workers)
        try queue.run(workers: workers) { _, queue in
            do {
                let datasets = try inputs.map { try Dataset(path: $0) }
                var planes = [Float](repeating: 0, count: n * capacity)
                var out = [Float](repeating: 0, count: bands * capacity)
                var y = [Double](repeating: 0, count: n)
                var scratch = [Double](repeating: 0, count: Trend.scratchCount(n))
                while let s = queue.take() {
                    try Interruption.check()
                    let w = strips[s], count = w.pixelCount
                    try planes.withUnsafeMutableBufferPointer { p in
                        for (k, d) in datasets.enumerated() {
                            try d.read(band: 1, window: w, nodata: Double(OutputLayers.nodata), into: p.baseAddress! + k * count)
                        }
                    }
                    planes.withUnsafeBufferPointer { p in
                        x.withUnsafeBufferPointer { xb in
                            y.withUnsafeMutableBufferPointer { yb in
                                scratch.withUnsafeMutableBufferPointer { sb in
                                    out.withUnsafeMutableBufferPointer { o in
                                        pixels(p, count: count, years: n, x: xb, y: yb, scratch: sb, out: o)
                                    }
                                }
                            }
                        }
                    }
                    try out.withUnsafeBufferPointer { try sink.write($0.baseAddress!, bands: bands, window: w) }
                    _ = queue.done()
                }
            } catch {
                queue.fail(error)
            }
        }
        for (i, p) in products.enumerated() { try writer.describe(band: i + 1, description: p.description, unit: p.unit) }
        try writer.setMetadata(["SINKMAP_YEARS": years.map(String.init).joined(separator: ",")])
        try writer.flush()
        for (i, p) in products.enumerated() {
            try Interruption.check()
            try COG.write(from: writer.dataset, band: i + 1, to: directory + "/" + p.file, threads: threads)
        }
        try? FileManager.default.removeItem(atPath: intermediatePath)
    }

    /// The products of `count` pixels whose `years` planes lie one after another in `planes`
    /// (NaN: nodata): plane-major output, nodata where any year is nodata.
    static func pixels(_ planes: UnsafeBufferPointer<Float>, count: Int, years n: Int, x: UnsafeBufferPointer<Double>,
                       y: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>,
                       out: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<count {
            var valid = true
            for k in 0..<n {
                let v = planes[k * count + i]
                if v.isNaN { valid = false; break }
                y[k] = Double(v)
            }
            guard valid else {
                for b in 0..<4 { out[b * count + i] = OutputLayers.nodata }
                continue
            }
            let line = Trend.theilSen(x: x, y: UnsafeBufferPointer(y), scratch: scratch)
            let mk = Trend.mannKendall(UnsafeBufferPointer(y), scratch: scratch)
            out[i] = Float(y[n - 1] - y[0])
            out[count + i] = Float(line.slope)
            out[2 * count + i] = Float(mk.z)
            out[3 * count + i] = Float(mk.p)
        }
    }
}
