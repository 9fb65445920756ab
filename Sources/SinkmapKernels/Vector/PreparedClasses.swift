#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-class constants of the kernels, derived once per run in Double and stored in one
/// 16-double row per class (two cache lines, 11 fields used), plus a sentinel row used for pixels
/// that are not computed. Class index = position in `ParameterTable.classes`.
///
/// Preconditions (the scene validation reports them as errors first): `carbonFraction` finite
/// and > 0; for `.q10`, `q10` > 0 and all three numbers finite.
public struct PreparedClasses: Sendable {
    /// Number of classes (the sentinel row is at this index).
    public let count: Int
    /// Land-cover code of each class index.
    public let codes: [Int]
    /// Ecosystem of each class index.
    public let ecosystems: [Ecosystem]
    package let rows: [Double]
    package let rh: RhConstants

    /// Rh model constants, gC m⁻² month⁻¹.
    package struct RhConstants: Sendable {
        /// true: pei2009; false: q10.
        package var pei: Bool
        /// q10: rRef·30; ln(q10)/10; tRef.
        package var scale: Double, rate: Double, tRef: Double
    }

    public init(table: ParameterTable, options: ModelOptions) {
        let cf = options.carbonFraction
        precondition(cf.isFinite && cf > 0, "carbon_fraction must be a positive number, got \(cf)")
        count = table.classes.count
        codes = table.classes.map(\.code)
        ecosystems = table.classes.map(\.ecosystem)
        var rows = [Double](repeating: 0, count: (count + 1) * ClassRow.stride)
        let span = ScalarReference.fparMax - ScalarReference.fparMin
        let alpha = ScalarReference.fparAlpha
        for (k, c) in table.classes.enumerated() {
            let sr = ScalarReference.simpleRatio
            let kNDVI = span / (c.ndviMax - c.ndviMin)
            let kSR = span / (sr(c.ndviMax) - sr(c.ndviMin))
            // SR(N) − SR(n0) = 2(N − n0)/((1 − N)(1 − n0)), so the SR term is (N − n0)·c2/(1 − N).
            let values: [(ClassRow.Field, Double)] = [
                (.ndviMin, c.ndviMin), (.ndviMax, c.ndviMax),
                (.fparC1, alpha * kNDVI), (.fparC2, (1 - alpha) * kSR * 2 / (1 - c.ndviMin)),
                (.epsHalf, c.epsMax * ScalarReference.parShare),
                (.agbA, c.agbA ?? .nan), (.agbB, c.agbB ?? .nan),
                (.carbonPerAGB, cf * (1 + c.rootShoot)),
                (.soilDead, c.cSoil + c.cDead),
                (.agbTable, c.cAbove / cf),
                (.carbonTable, c.cAbove + c.cBelow + c.cSoil + c.cDead),
            ]
            for (field, value) in values { rows[k * ClassRow.stride + field.rawValue] = value }
        }
        // Sentinel row (index `count`): harmless finite values; its outputs are overwritten with NaN.
        let s = count * ClassRow.stride
        rows[s + ClassRow.Field.ndviMax.rawValue] = 0.5
        rows[s + ClassRow.Field.agbA.rawValue] = .nan
        rows[s + ClassRow.Field.agbB.rawValue] = .nan
        self.rows = rows

        switch options.rh {
        case .pei2009:
            rh = RhConstants(pei: true, scale: 0.22 * 30 * 0.465, rate: 0, tRef: 0)
        case let .q10(rRef, q10, tRef):
            precondition(q10 > 0 && q10.isFinite && rRef.isFinite && tRef.isFinite, "rh_q10 needs finite r_ref, t_ref and q10 > 0")
            rh = RhConstants(pei: false, scale: rRef * 30, rate: log(q10) / 10, tRef: tRef)
        }
    }

    /// Class index of a land-cover code, −1 when the table has no such code.
    public func classIndex(code: Int) -> Int32 {
        codes.firstIndex(of: code).map { Int32($0) } ?? -1
    }
}
