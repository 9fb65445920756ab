import Foundation
import Testing
@testable import SinkmapKernels

/// The composite's eight-lane paths against its scalar definition (`observeOne`), pixel by
/// pixel and bit for bit, on planes holding every edge case at every lane position.
@Suite struct CompositeMathTests {
    /// A deterministic plane of raw values: valid and invalid DNs, the valid range's ends, NaN,
    /// ±∞, and quality codes clear and not, fractional, ≥ 2²³ (the per-pixel fallback) and ≥ 2³¹.
    struct Planes {
        var red: [Float], nir: [Float], qa: [Float]
        init(count n: Int, seed: UInt64, qaType: QualityType) {
            var state = seed
            func next() -> UInt64 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return state >> 33
            }
            let dns: [Float] = [0, 7272, 7273, 43636, 43637, 10000, 12000, 30000, .nan, .infinity, -.infinity, -5, 1000, 9000.5]
            let codes: [Float] = qaType == .landsatQAPixel
                ? [21824, 21824, 21824, 21825, 21826, 21828, 21832, 21840, 21856, 21888, 21952, 22080, 0, 64, 63.5, 64.9, .nan, -1, -0.0, -0.5, .infinity, -.infinity, 8_388_607.5, 8_388_608, 8_388_672, 3e9, 65535]
                : [4, 5, 6, 4, 5, 6, 0, 3, 7, 8, 9, 10, 11, 4.5, 6.99, 3.99, .nan, -4, -0.0, .infinity, 8_388_612, 3e9]
            red = []; nir = []; qa = []
            for _ in 0..<n {
                let r = next() % 4 == 0 ? dns[Int(next() % UInt64(dns.count))] : Float(7273 + next() % 36000)
                let v = next() % 4 == 0 ? dns[Int(next() % UInt64(dns.count))] : Float(7273 + next() % 36000)
                red.append(r); nir.append(v)
                qa.append(codes[Int(next() % UInt64(codes.count))])
            }
        }
    }

    static let cases: [(QualityType, ReflectanceScaling, ReflectanceScaling)] = [
        (.landsatQAPixel, .landsatC2, .landsatC2),
        (.sentinel2SCL, .sentinel2(offset: -1000), .sentinel2(offset: -1000)),
        (.sentinel2SCL, .sentinel2(offset: 0), .sentinel2(offset: 0)),
        // Red and NIR scaled differently: a mix-up of the two in the eight-lane path shows.
        (.sentinel2SCL, .sentinel2(offset: -1000), .sentinel2(offset: 0)),
    ]

    func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    @Test(arguments: 0..<4) func observeEqualsScalarDefinition(_ c: Int) {
        let (qaType, rs, ns) = Self.cases[c]
        let n = 4099  // a tail after the last full step of eight
        let p = Planes(count: n, seed: 7 + UInt64(c), qaType: qaType)
        var out = [Float](repeating: 0, count: n)
        let clear = CompositeMath.observe(red: p.red, nir: p.nir, qa: p.qa, count: n, qaType: qaType,
                                          redScaling: rs, nirScaling: ns, into: &out)
        var expectedClear = 0, mismatches = 0
        for i in 0..<n {
            let e = CompositeMath.observeOne(red: p.red[i], nir: p.nir[i], qa: p.qa[i], qaType: qaType, redScaling: rs, nirScaling: ns)
            if !e.isNaN { expectedClear += 1 }
            if !same(out[i], e) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(clear == expectedClear)
        // The planes exercise both outcomes and the fallback.
        #expect(expectedClear > n / 10 && expectedClear < n - n / 10)
        #expect(p.qa.contains { $0 >= 8_388_608 && $0 < 2_147_483_648 })
    }

    /// For Sentinel-2 with offset −1000, DN 1000 gives reflectance 0: a pixel with both bands
    /// at 1000 has nir + red = 0 and is not an observation.
    @Test func zeroSumIsNoObservation() {
        let one = CompositeMath.observeOne(red: 1000, nir: 1000, qa: 4, qaType: .sentinel2SCL,
                                           redScaling: .sentinel2(offset: -1000), nirScaling: .sentinel2(offset: -1000))
        #expect(one.isNaN)
        var out = [Float](repeating: 0, count: 8)
        let red = [Float](repeating: 1000, count: 8), qa = [Float](repeating: 4, count: 8)
        let clear = CompositeMath.observe(red: red, nir: red, qa: qa, count: 8, qaType: .sentinel2SCL,
                                          redScaling: .sentinel2(offset: -1000), nirScaling: .sentinel2(offset: -1000), into: &out)
        #expect(clear == 0)
        #expect(out.allSatisfy { $0.isNaN })
    }

    @Test func isClearTakesTheIntegerPart() {
        #expect(CompositeMath.isClear(21824, .landsatQAPixel))
        #expect(!CompositeMath.isClear(21825, .landsatQAPixel))
        #expect(CompositeMath.isClear(64.9, .landsatQAPixel))
        #expect(!CompositeMath.isClear(63.5, .landsatQAPixel))
        #expect(CompositeMath.isClear(6.99, .sentinel2SCL))
        #expect(!CompositeMath.isClear(.nan, .sentinel2SCL))
        #expect(!CompositeMath.isClear(3e9, .landsatQAPixel))
    }

    /// The fused running maximum over several acquisitions equals the maximum and count of the
    /// scalar observations, and NaN with count 0 where none was clear.
    @Test(arguments: 0..<4) func observeMaxEqualsScalarMaximum(_ c: Int) {
        let (qaType, rs, ns) = Self.cases[c]
        let n = 2053
        var max = [Float](repeating: 0, count: n), count = [UInt32](repeating: 0, count: n)
        var expectedMax = [Float](repeating: .nan, count: n), expectedCount = [UInt32](repeating: 0, count: n)
        CompositeMath.startMax(count: n, max: &max, clear: &count)
        for k in 0..<5 {
            let p = Planes(count: n, seed: 100 + UInt64(10 * c + k), qaType: qaType)
            let clear = CompositeMath.observeMax(red: p.red, nir: p.nir, qa: p.qa, count: n, qaType: qaType,
                                                 redScaling: rs, nirScaling: ns, max: &max, clear: &count)
            var expectedClear = 0
            for i in 0..<n {
                let o = CompositeMath.observeOne(red: p.red[i], nir: p.nir[i], qa: p.qa[i], qaType: qaType, redScaling: rs, nirScaling: ns)
                guard !o.isNaN else { continue }
                expectedClear += 1
                if expectedCount[i] == 0 || o > expectedMax[i] { expectedMax[i] = o }
                expectedCount[i] += 1
            }
            #expect(clear == expectedClear)
        }
        CompositeMath.finishMax(count: n, max: &max, clear: count)
        #expect(count == expectedCount)
        #expect((0..<n).filter { !same(max[$0], expectedMax[$0]) }.isEmpty)
        #expect(expectedCount.contains(0) && expectedCount.contains { $0 >= 3 })
    }
}
