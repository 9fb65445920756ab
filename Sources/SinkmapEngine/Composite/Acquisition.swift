import Foundation

/// How an acquisition's quality band says a pixel is clear.
public enum QualityType: String, Sendable, Codable {
    /// Landsat Collection 2 QA_PIXEL: clear when bits 0–5 (fill, dilated cloud, cirrus, cloud,
    /// cloud shadow, snow) are all 0.
    case landsatQAPixel = "qa_pixel"
    /// Sentinel-2 L2A scene classification: clear when 4 (vegetation), 5 (not vegetated) or 6 (water).
    case sentinel2SCL = "scl"
}

/// How raw digital numbers become surface reflectance, and which are valid.
public enum ReflectanceScaling: Sendable, Equatable {
    /// Landsat C2 L2: DN × 0.0000275 − 0.2; DN 0 or outside 7273–43636 is invalid.
    case landsatC2
    /// Sentinel-2 L2A: (DN + offset) / 10000; DN 0 (no data) is invalid.
    case sentinel2(offset: Double)

    /// Reflectance of a raw value, nil when invalid (NaN, the nodata 0, out of range).
    @inline(__always)
    public func reflectance(_ dn: Float) -> Double? {
        guard dn.isFinite, dn != 0 else { return nil }
        let v = Double(dn)
        switch self {
        case .landsatC2:
            guard v >= 7273, v <= 43636 else { return nil }
            return v * 0.0000275 - 0.2
        case .sentinel2(let offset):
            return (v + offset) / 10000
        }
    }

    /// `reflectance` of four raw values: the reflectances (the same operations, so the same
    /// bits) and which are valid.
    @inline(__always)
    func reflectance(_ v: SIMD4<Double>) -> (SIMD4<Double>, SIMDMask<SIMD4<Int64>>) {
        let usable = (v .> -Double.infinity) .& (v .< Double.infinity) .& (v .!= 0)
        switch self {
        case .landsatC2:
            return (v * 0.0000275 - 0.2, usable .& (v .>= 7273) .& (v .<= 43636))
        case .sentinel2(let offset):
            return ((v + offset) / 10000, usable)
        }
    }

    var description: String {
        switch self {
        case .landsatC2: return "DN × 0.0000275 − 0.2 (valid DN 7273–43636)"
        case .sentinel2(let o): return "(DN + \(Int(o))) / 10000 (DN 0 invalid)"
        }
    }
}

/// One acquisition: its date, red and NIR bands and quality band, and how to read them.
public struct Acquisition: Sendable, Equatable {
    public var id: String
    public var year: Int, month: Int, day: Int
    public var red: String, nir: String, qa: String
    public var qaType: QualityType
    public var redScaling: ReflectanceScaling, nirScaling: ReflectanceScaling

    public var date: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

/// A line of input the catalogue refuses (one line, naming the file).
public struct CompositeInputError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Which sensors the catalogue looks for.
public enum SensorChoice: String, Sendable, CaseIterable {
    case auto, landsatC2L2 = "landsat-c2-l2", sentinel2L2A = "sentinel2-l2a", manifest
}
