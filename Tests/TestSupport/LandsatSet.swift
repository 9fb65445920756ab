import Foundation
import GDALKit
import TestSupport

/// A generated set of Landsat Collection 2 Level-2 acquisitions (fixed seed) with real product
/// file names: SR bands as UInt16 DN (nodata 0), QA_PIXEL as UInt16 (nodata 1) with clouds,
/// cirrus, dilated clouds, snow, water (clear), and cloud shadows that carry a very high NDVI
/// (so an unmasked maximum would pick them), a fill wedge at the east edge of every third
/// acquisition, a few saturated red DNs. Schedule for `year`: two acquisitions a month, none
/// in March or December, both June ones cloudy over the west third of the grid, one Landsat 7
/// (red SR_B3, NIR SR_B4), and one acquisition of the year before.
public struct LandsatSet {
    public struct Acq {
        public var name: String  // product id
        public var year: Int, month: Int
        public var red: [Float], nir: [Float], qa: [Float]
        public var landsat7: Bool
    }
    public let width: Int, height: Int
    public var n: Int { width * height }
    public var acquisitions: [Acq] = []

    public static let clearQA: Float = 21824   // bit 6 (clear) and low confidences: clear
    public static let waterQA: Float = 21952   // bit 7 (water): clear for the composite
    public static let fillQA: Float = 1        // bit 0

    public init(width: Int, height: Int, year: Int, seed: UInt64) {
        self.width = width
        self.height = height
        var g = SeededGenerator(seed: seed)
        var schedule: [(Int, Int, Int, String)] = [(year - 1, 12, 20, "LC08")]
        for m in 1...12 where m != 3 && m != 12 {
            schedule.append((year, m, 5 + m, m == 7 ? "LE07" : "LC08"))
            schedule.append((year, m, 14 + m, "LC09"))
        }
        for (k, (y, m, d, sat)) in schedule.enumerated() {
            var red: [Float] = [], nir: [Float] = [], qa: [Float] = []
            for i in 0..<width * height {
                let col = i % width, row = i / width
                var r = Float(Int.random(in: 7400...11000, using: &g))
                var v = Float(Int.random(in: 12000...30000, using: &g))
                var q = Self.clearQA
                let u = Double(g.next() >> 11) / 9_007_199_254_740_992
                switch u {
                case ..<0.12: q = 22280          // cloud (bits 1 and 3)
                case ..<0.20: q = 23888; r = 7500; v = 30000  // cloud shadow (bit 4), NDVI ≈ 0.98
                case ..<0.24: q = Self.waterQA
                case ..<0.26: q = 30048          // snow (bit 5)
                case ..<0.28: q = 55052          // cirrus (bit 2)
                case ..<0.30: q = 21826          // dilated cloud (bit 1)
                case ..<0.31: r = 50000          // saturated red: invalid DN
                default: break
                }
                if m == 6 && y == year && col < width / 3 { q = 22280 }  // June: cloudy all month in the west
                if k % 3 == 0 && col >= width - 3 - row % 4 { q = Self.fillQA; r = 0; v = 0 }  // fill wedge
                red.append(r); nir.append(v); qa.append(q)
            }
            let date = String(format: "%04d%02d%02d", y, m, d)
            acquisitions.append(Acq(name: "\(sat)_L2SP_118039_\(date)_\(date)_02_T1", year: y, month: m,
                                    red: red, nir: nir, qa: qa, landsat7: sat == "LE07"))
        }
    }

    /// Writes every acquisition's red, NIR and QA_PIXEL (and a green band and an MTL that the
    /// catalogue must pass over) into `dir` on `grid`.
    public func write(to dir: String, grid: Grid) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for a in acquisitions {
            let (rb, nb) = a.landsat7 ? ("SR_B3", "SR_B4") : ("SR_B4", "SR_B5")
            try Fixtures.raster("\(dir)/\(a.name)_\(rb).TIF", grid: grid, bands: [a.red], type: .uint16, nodata: 0)
            try Fixtures.raster("\(dir)/\(a.name)_\(nb).TIF", grid: grid, bands: [a.nir], type: .uint16, nodata: 0)
            try Fixtures.raster("\(dir)/\(a.name)_QA_PIXEL.TIF", grid: grid, bands: [a.qa], type: .uint16, nodata: 1)
            try Fixtures.raster("\(dir)/\(a.name)_SR_B2.TIF", grid: grid, bands: [a.red], type: .uint16, nodata: 0)
            try "GROUP = LANDSAT_METADATA_FILE\n".write(toFile: "\(dir)/\(a.name)_MTL.txt", atomically: true, encoding: .utf8)
        }
    }

    // MARK: The expected composite, computed here from the rules

    /// Landsat C2 L2 reflectance, nil for DN 0 or outside 7273–43636.
    public static func reflectance(_ dn: Float) -> Double? {
        let d = Double(dn)
        guard d != 0, d >= 7273, d <= 43636 else { return nil }
        return d * 0.0000275 - 0.2
    }

    /// Clear: QA_PIXEL bits 0–5 all 0.
    public static func clear(_ qa: Float) -> Bool { Int(qa) & 0b11_1111 == 0 }

    /// NDVI of acquisition `a` at pixel `i`, masked (nil) or not.
    public static func ndvi(_ a: Acq, _ i: Int, masked: Bool = true) -> Double? {
        if masked && !clear(a.qa[i]) { return nil }
        guard let r = reflectance(a.red[i]), let v = reflectance(a.nir[i]), v + r != 0 else { return nil }
        return (v - r) / (v + r)
    }

    /// Clear observations of each month (0...11) at pixel `i`, for `year`.
    public func observations(_ i: Int, year: Int) -> [[Double]] {
        var out = [[Double]](repeating: [], count: 12)
        for a in acquisitions where a.year == year {
            if let x = Self.ndvi(a, i) { out[a.month - 1].append(x) }
        }
        return out
    }

    /// The expected NDVI (nil: nodata) and clear counts of pixel `i` for 12 months.
    public func expected(_ i: Int, year: Int, median: Bool) -> (ndvi: [Double?], clear: [Int], filled: [Bool]) {
        let obs = observations(i, year: year)
        var value: [Double?] = obs.map { o in
            guard !o.isEmpty else { return nil }
            if !median { return o.max()! }
            let s = o.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let known = value
        var filled = [Bool](repeating: false, count: 12)
        for m in 0..<12 where known[m] == nil {
            let before = (0..<m).last { known[$0] != nil }
            let after = (m + 1..<12).first { known[$0] != nil }
            switch (before, after) {
            case let (b?, a?): value[m] = known[b]! + (known[a]! - known[b]!) * Double(m - b) / Double(a - b)
            case let (b?, nil): value[m] = known[b]
            case let (nil, a?): value[m] = known[a]
            case (nil, nil): value[m] = nil
            }
            filled[m] = value[m] != nil
        }
        return (value, obs.map(\.count), filled)
    }
}
