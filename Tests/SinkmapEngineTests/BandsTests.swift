import Testing
import TestSupport
@testable import SinkmapEngine

/// The plane checks read eight values at a time; they must answer exactly as their one-value
/// definitions, wherever in a chunk (or in the tail after the last full chunk) a value lies.
@Suite struct BandsTests {
    /// Values every check treats specially: NaN, ±∞, the magnitude limit and just past it,
    /// fractions, whole numbers beyond 2²³, −0.
    static let specials: [Float] = [.nan, .infinity, -.infinity, 1e30, -1e30, 1.0000001e30, -2e30, 0.5, -0.5,
                                    2.5, 1e-40, -0.0, 8_388_607.5, 8_388_608, 16_777_217, 3.4e38, 1.0001, -1.0001]

    /// Planes of `count` whole numbers in [−3, 3] with at most one special value, at `at`.
    static func planes() -> [[Float]] {
        var g = SeededGenerator(seed: 31)
        var out: [[Float]] = []
        for count in [0, 1, 7, 8, 9, 16, 17, 23, 40] {
            let base = (0..<count).map { _ in Float(Int(g.next() % 7) - 3) }
            out.append(base)
            for at in Set([0, count / 2, max(0, count - 1), max(0, count - 2)]) where at < count {
                for v in specials { var p = base; p[at] = v; out.append(p) }
            }
        }
        return out
    }

    @Test func invalidToNaNMatchesItsDefinition() {
        for plane in Self.planes() {
            var expected = plane, n: Int64 = 0
            for i in expected.indices where !expected[i].isNaN && !(abs(expected[i]) <= Bands.maxInputMagnitude) {
                expected[i] = .nan; n += 1
            }
            var actual = plane
            let count = actual.withUnsafeMutableBufferPointer { Bands.invalidToNaN($0.baseAddress!, count: $0.count) }
            #expect(count == n)
            #expect(zip(actual, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(plane)")
        }
    }

    @Test func firstOutsideMatchesItsDefinition() {
        for plane in Self.planes() {
            let expected = plane.first { $0 < -1.01 || $0 > 1.01 }
            let actual = plane.withUnsafeBufferPointer { Bands.firstOutside($0.baseAddress!, count: $0.count, -1.01, 1.01) }
            #expect(actual?.bitPattern == expected?.bitPattern, "\(plane)")
        }
    }

    @Test func firstFractionalMatchesItsDefinition() {
        for plane in Self.planes() {
            let expected = plane.first { !$0.isNaN && $0 != $0.rounded() }
            let actual = plane.withUnsafeBufferPointer { Bands.firstFractional($0.baseAddress!, count: $0.count) }
            #expect(actual?.bitPattern == expected?.bitPattern, "\(plane)")
        }
    }
}
