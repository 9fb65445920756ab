import Foundation
import GDALKit
import SinkmapGrid

/// `validate`'s look at monthly NDVI made by `sinkmap composite`: when a period reads band B of
/// an `ndvi.tif` with the composite's `clear.tif` beside it (same size), the share of pixels
/// without a clear observation in that band (filled in time, or nodata) is read from
/// `clear.tif`; above `mostlyFilledShare` the month is reported as mostly filled.
enum CompositeCheck {
    static let mostlyFilledShare = 0.5

    static func mostlyFilled(_ ndvi: [AlignedNDVI], months: [String]) throws -> [String] {
        var warnings: [String] = []
        var shares: [String: Double] = [:]
        for (i, entry) in ndvi.enumerated() {
            guard case .ndvi(let r) = entry, (r.path as NSString).lastPathComponent == "ndvi.tif" else { continue }
            let clearPath = (r.path as NSString).deletingLastPathComponent + "/clear.tif"
            guard FileManager.default.fileExists(atPath: clearPath) else { continue }
            let key = "\(clearPath)#\(r.band)"
            let share: Double
            if let known = shares[key] { share = known } else {
                let clear = try Dataset(path: clearPath), values = try Dataset(path: r.path)
                guard clear.width == values.width, clear.height == values.height, r.band <= clear.bandCount else { continue }
                share = try unobservedShare(clear, band: r.band)
                shares[key] = share
            }
            if share > mostlyFilledShare {
                let month = i < months.count ? months[i] : "period \(i + 1)"
                warnings.append("periods[\(i)].ndvi: \(r.path) band \(r.band) (\(month)) is mostly filled: \(Int((share * 100).rounded())) % of its pixels had no clear observation (\(clearPath)); those values are interpolated in time or nodata")
            }
        }
        return warnings
    }

    /// The share of zeros in a band, read in strips of 256 rows.
    static func unobservedShare(_ ds: Dataset, band: Int) throws -> Double {
        let rows = 256
        var buffer = [Float](repeating: 0, count: ds.width * rows)
        var zeros = 0
        var row = 0
        while row < ds.height {
            let w = Window(col: 0, row: row, width: ds.width, height: min(rows, ds.height - row))
            try buffer.withUnsafeMutableBufferPointer { b in
                try ds.readRaw(band: band, window: w, into: b.baseAddress!)
                for i in 0..<w.pixelCount where b[i] == 0 { zeros += 1 }
            }
            row += rows
        }
        return ds.width * ds.height > 0 ? Double(zeros) / Double(ds.width * ds.height) : 0
    }
}
