import Foundation
import Testing
import SinkmapZones

/// Coverage fractions against hand-computed values (pixel space: cell (c, r) is [c, c+1] × [r, r+1]).
@Suite struct CoverageFractionTests {
    typealias P = SIMD2<Double>

    func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [P] { [P(x0, y0), P(x1, y0), P(x1, y1), P(x0, y1)] }

    /// Fractions as a dense width × height array.
    func dense(_ polygons: [[[P]]], _ w: Int, _ h: Int) -> [Double] {
        var out = [Double](repeating: 0, count: w * h)
        for (cell, f) in CoverageFractions.fractions(of: polygons, width: w, height: h) { out[cell] = f }
        return out
    }

    func close(_ a: [Double], _ b: [Double], _ tol: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol }
    }

    @Test func polygonEqualToTheGridCoversEveryCellOnce() {
        #expect(close(dense([[rect(0, 0, 4, 3)]], 4, 3), [Double](repeating: 1, count: 12)))
        // Either ring orientation.
        #expect(close(dense([[rect(0, 0, 4, 3).reversed()]], 4, 3), [Double](repeating: 1, count: 12)))
    }

    @Test func squareOffsetByHalfAPixelGivesQuartersAndHalves() {
        // [0.5, 2.5] × [0.5, 2.5] on a 3 × 3 grid: corners ¼, edges ½, centre 1.
        let f = dense([[rect(0.5, 0.5, 2.5, 2.5)]], 3, 3)
        #expect(close(f, [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]), "\(f)")
    }

    @Test func twoPolygonsSharingAnEdgeAddUpToOne() {
        // A 4 × 4 grid cut in two along an irregular line through cell interiors.
        let upper = [P(0, 0), P(4, 0), P(4, 3.6), P(2.2, 2.9), P(1.7, 1.1), P(0, 0.3)]
        let lower = [P(0, 0.3), P(1.7, 1.1), P(2.2, 2.9), P(4, 3.6), P(4, 4), P(0, 4)]
        let fu = dense([[upper]], 4, 4), fl = dense([[lower]], 4, 4)
        for i in 0..<16 { #expect(abs(fu[i] + fl[i] - 1) < 1e-12, "cell \(i): \(fu[i]) + \(fl[i])") }
        #expect(fu.contains { $0 > 0 && $0 < 1 })
    }

    @Test func holeIsCutOut() {
        // Outer [0,4]², hole [1,3]² (each hole cell fully out), and a hole through cell interiors.
        let f = dense([[rect(0, 0, 4, 4), rect(1, 1, 3, 3)]], 4, 4)
        #expect(close(f, [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1]))
        let g = dense([[rect(0, 0, 2, 2), rect(0.5, 0.5, 1.5, 1.5).reversed()]], 2, 2)
        #expect(close(g, [0.75, 0.75, 0.75, 0.75]))
    }

    @Test func multipolygonAddsItsParts() {
        let f = dense([[rect(0, 0, 1, 1)], [rect(2.5, 0, 3, 0.5)]], 3, 1)
        #expect(close(f, [1, 0, 0.25]))
    }

    @Test func ringCrossingTheGridEdgeIsCut() {
        // [-1.5, 1.5] × [0.5, 5] on a 2 × 2 grid: column 0 gets ½ (row 0) and 1 (row 1), column 1
        // (x in [1, 1.5]) gets ¼ and ½.
        let f = dense([[rect(-1.5, 0.5, 1.5, 5)]], 2, 2)
        #expect(close(f, [0.5, 0.25, 1, 0.5]), "\(f)")
        // Entirely outside: nothing.
        #expect(CoverageFractions.fractions(of: [[rect(5, 5, 6, 6)]], width: 2, height: 2).isEmpty)
    }

    @Test func sliverThinnerThanAPixel() {
        // A 0.01-pixel-high strip across 3 cells, and a triangle.
        let f = dense([[rect(0, 1.2, 3, 1.21)]], 3, 2)
        #expect(close(f, [0, 0, 0, 0.01, 0.01, 0.01], 1e-12))
        let t = dense([[[P(0, 0), P(1, 0), P(0, 1)]]], 1, 1)
        #expect(close(t, [0.5]))
    }

    @Test func totalEqualsThePolygonsArea() {
        // An irregular polygon: the fractions add up to its area (shoelace).
        var g = SplitMix(seed: 5)
        let ring: [P] = (0..<40).map { i in
            let a = Double(i) / 40 * 2 * .pi, r = 20 + 8 * g.unit()
            return P(35 + r * cos(a), 30 + r * sin(a))
        }
        var area = 0.0
        for i in ring.indices { let a = ring[i], b = ring[(i + 1) % ring.count]; area += a.x * b.y - b.x * a.y }
        // (Inside the 70 × 60 grid: centre (30, 25), radius at most 28.)
        let total = CoverageFractions.fractions(of: [[ring]], width: 70, height: 60).map(\.fraction).reduce(0, +)
        #expect(abs(total - abs(area) / 2) < 1e-9 * abs(area))
    }
}

/// A tiny deterministic generator for the tests above.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
