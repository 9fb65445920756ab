import GDALKit

/// One band of a raster as Double (nil: nodata −9999).
public func readPixels(_ path: String) throws -> [Double?] {
    let ds = try Dataset(path: path)
    var v = [Float](repeating: 0, count: ds.width * ds.height)
    try v.withUnsafeMutableBufferPointer { try ds.readRaw(band: 1, window: Window(width: ds.width, height: ds.height), into: $0.baseAddress!) }
    return v.map { $0 == -9999 ? nil : Double($0) }
}
