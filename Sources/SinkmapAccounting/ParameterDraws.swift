import Foundation
import SinkmapKernels
import SinkmapScene

/// The Monte Carlo draws of the class parameters: for each iteration, one normal deviate per
/// class and parameter (a class parameter is one number, so every pixel and every unit of a
/// class shares it within an iteration) and one factor scaling Rh everywhere.
///
/// Reproducible from the seed alone: xoshiro256** seeded through SplitMix64, normal deviates by
/// Box–Muller from 53-bit uniforms; in each iteration the classes in table order, each with
/// its six parameters in `ParameterSD.columns` order, then the Rh factor. A deviate is drawn for
/// every parameter, also where its standard deviation is 0, so changing one class's or one
/// parameter's standard deviation leaves every other draw as it was.
public struct ParameterDraws: Sendable {
    public static let parameters = ParameterSD.columns.count
    public let draws: Int
    public let classes: Int
    /// `[draw][class][parameter]`: the deviation (parameter units) added to the table's value.
    public private(set) var deltas: [Double]
    /// `[draw]`: the factor (mean 1) scaling Rh.
    public private(set) var rhFactor: [Double]

    public init(sd: [ParameterSD], rhScaleSD: Double, draws: Int, seed: UInt64) {
        self.draws = draws
        classes = sd.count
        var rng = Xoshiro256(seed: seed)
        var normals = NormalDeviates()
        deltas = []
        deltas.reserveCapacity(draws * sd.count * Self.parameters)
        rhFactor = []
        rhFactor.reserveCapacity(draws)
        for _ in 0..<draws {
            for c in sd {
                for s in c.values { deltas.append(s * normals.next(&rng)) }
            }
            rhFactor.append(1 + rhScaleSD * normals.next(&rng))
        }
    }

    @inline(__always)
    public func delta(draw d: Int, class c: Int, parameter p: Int) -> Double {
        deltas[(d * classes + c) * Self.parameters + p]
    }

    /// The parameter table of iteration `d`: each class's eps_max, c_above, c_below, c_soil,
    /// c_dead and agb_a moved by its deviation (what a brute-force recomputation runs with).
    public func table(draw d: Int, base: ParameterTable) -> ParameterTable {
        var classes = base.classes
        for (k, var c) in classes.enumerated() {
            c.epsMax += delta(draw: d, class: k, parameter: 0)
            c.cAbove += delta(draw: d, class: k, parameter: 1)
            c.cBelow += delta(draw: d, class: k, parameter: 2)
            c.cSoil += delta(draw: d, class: k, parameter: 3)
            c.cDead += delta(draw: d, class: k, parameter: 4)
            if let a = c.agbA { c.agbA = a + delta(draw: d, class: k, parameter: 5) }
            classes[k] = c
        }
        return ParameterTable(classes: classes)
    }
}

/// xoshiro256** (Blackman & Vigna), seeded by SplitMix64.
public struct Xoshiro256: Sendable {
    var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in (0, 1): 53 random bits, never 0 (Box–Muller takes its logarithm).
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }
}

/// Standard normal deviates by Box–Muller, both of each pair used.
struct NormalDeviates {
    var spare: Double?

    mutating func next(_ rng: inout Xoshiro256) -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        let r = (-2 * log(rng.uniform())).squareRoot(), theta = 2 * Double.pi * rng.uniform()
        spare = r * sin(theta)
        return r * cos(theta)
    }
}
