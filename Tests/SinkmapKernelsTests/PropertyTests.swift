import Foundation
import Testing
@testable import SinkmapKernels
import SinkmapKernelVariants

/// SIMD kernel against the scalar reference over many fixed-seed random pixels.
@Suite struct PropertyTests {
    /// A table with varied classes: forest with allometry, classes without, extreme NDVI bounds.
    static let table = ParameterTable(classes: [
        WorkedExample.forest,
        ClassParameters(code: 1, name: "ENF", ecosystem: .forest, epsMax: 0.389, ndviMin: 0.023, ndviMax: 0.647,
                        agbA: 20.0, agbB: 0.8, rootShoot: 0.2, cAbove: 80, cBelow: 16, cSoil: 100, cDead: 8),
        ClassParameters(code: 10, name: "grass", ecosystem: .grassland, epsMax: 0.542, ndviMin: 0.023, ndviMax: 0.634,
                        rootShoot: 2.8, cAbove: 1.5, cBelow: 4, cSoil: 60, cDead: 0.5),
        ClassParameters(code: 12, name: "crop", ecosystem: .farmland, epsMax: 0.542, ndviMin: -0.5, ndviMax: 0.95,
                        agbA: 3, agbB: 1.3, rootShoot: 0.25, cAbove: 3, cBelow: 0.8, cSoil: 50, cDead: 0),
        ClassParameters(code: 17, name: "water", ecosystem: .water, epsMax: 0, ndviMin: -0.2, ndviMax: 0.1,
                        rootShoot: 0, cAbove: 0, cBelow: 0, cSoil: 0, cDead: 0),
        ClassParameters(code: 2, name: "EBF", ecosystem: .forest, epsMax: 0.985, ndviMin: 0.023, ndviMax: 0.676,
                        agbA: 14, agbB: 1.0, rootShoot: 0.24, cAbove: 120, cBelow: 29, cSoil: 95, cDead: 10),
    ])

    /// Fills pixel i with a random but plausible year, including every edge case of SPEC §3.
    static func fill(_ tile: inout TileFixture, _ i: Int, _ rng: inout SplitMix64) {
        let n = tile.count
        let r = Double.random(in: 0..<1, using: &rng)
        tile.classIndex[i] = r < 0.05 ? -1 : r < 0.06 ? 99 : Int32.random(in: 0..<Int32(table.classes.count), using: &rng)
        let k = Int(tile.classIndex[i])
        let c = (k >= 0 && k < table.classes.count) ? table.classes[k] : table.classes[0]
        let base = Double.random(in: -28...32, using: &rng), amp = Double.random(in: 0...22, using: &rng)
        let dry = Bool.random(using: &rng)
        for m in 0..<12 {
            let o = m * n + i
            let season = -cos(Double(m) / 12 * 2 * Double.pi)
            var t = base + amp * season + Double.random(in: -3...3, using: &rng)
            switch Int.random(in: 0..<40, using: &rng) {
            case 0: t = 0
            case 1: t = -10
            case 2: t = Double.random(in: -40 ... -10, using: &rng)
            default: break
            }
            tile.temperature[o] = Float(t)
            var p = dry ? Double.random(in: 0...20, using: &rng) : Double.random(in: 0...350, using: &rng)
            if Int.random(in: 0..<10, using: &rng) == 0 { p = 0 }
            if Int.random(in: 0..<100, using: &rng) == 0 { p = Double.random(in: 0...0.01, using: &rng) }
            tile.precipitation[o] = Float(p)
            tile.radiation[o] = Float.random(in: 80...800, using: &rng)
            var v = Float.random(in: -0.3...1.0, using: &rng)
            switch Int.random(in: 0..<12, using: &rng) {
            case 0: v = Float(c.ndviMin)
            case 1: v = Float(c.ndviMax)
            case 2: v = Float(c.ndviMax) + 0.1
            case 3: v = Float(c.ndviMin) - 0.1
            default: break
            }
            tile.ndvi[o] = v
        }
        // Ties in the maximum NDVI: copy the maximum to a later month.
        if Int.random(in: 0..<5, using: &rng) == 0 {
            let months = (0..<12).map { tile.ndvi[$0 * n + i] }
            let best = months.indices.max { months[$0] < months[$1] }!
            let other = (best + Int.random(in: 1..<12, using: &rng)) % 12
            tile.ndvi[other * n + i] = months[best]
        }
        // Nodata and bad input.
        switch Int.random(in: 0..<50, using: &rng) {
        case 0: tile.ndvi[Int.random(in: 0..<12, using: &rng) * n + i] = .nan
        case 1: tile.temperature[Int.random(in: 0..<12, using: &rng) * n + i] = .nan
        case 2: tile.precipitation[Int.random(in: 0..<12, using: &rng) * n + i] = .nan
        case 3: tile.radiation[Int.random(in: 0..<12, using: &rng) * n + i] = .nan
        case 4: tile.precipitation[Int.random(in: 0..<12, using: &rng) * n + i] = -1
        default: break
        }
        if tile.canopyHeight != nil {
            let h: Float
            switch Int.random(in: 0..<10, using: &rng) {
            case 0, 1: h = .nan
            case 2: h = 0
            case 3: h = -Float.random(in: 0...5, using: &rng)
            case 4: h = Float.random(in: 100...150, using: &rng)
            case 5: h = .infinity
            default: h = Float.random(in: 0...60, using: &rng)
            }
            tile.canopyHeight![i] = h
        }
    }

    /// Largest error of each output, as a fraction of the tolerance max(1e−5·|ref|, 1e−4 gC):
    /// ≤ 1 passes.
    struct Worst: CustomStringConvertible {
        var npp = 0.0, rh = 0.0, nep = 0.0, agb = 0.0, carbon = 0.0
        var nepAbs = 0.0
        var description: String {
            "max error / tolerance: npp \(npp), rh \(rh), nep \(nep), agb \(agb), carbon \(carbon); "
                + "max abs NEP error \(nepAbs) gC"
        }
    }

    static func check(rh model: RhModel, seed: UInt64, counts: [Int],
                      variant: KernelVariant = .standard) -> (failures: [String], worst: Worst, pixels: Int) {
        var rng = SplitMix64(seed: seed)
        let options = ModelOptions(rh: model, carbonFraction: 0.47)
        let classes = PreparedClasses(table: table, options: options)
        var failures: [String] = []
        var worst = Worst()
        var pixels = 0
        for (t, count) in counts.enumerated() {
            var tile = TileFixture(count: count, withHeight: t % 3 != 2)
            for i in 0..<count { fill(&tile, i, &rng) }
            let out = tile.run(classes, variant: variant)
            for i in 0..<count {
                pixels += 1
                let ref = tile.reference(i, table: table, options: options)
                /// |simd − ref| ≤ 1e−5·|ref| or ≤ 1e−4 absolute, for every pixel; NaN exactly where ref is nil.
                func compare(_ name: String, _ actual: Float, _ expected: Double?, worst: inout Double) {
                    guard let expected else {
                        if !actual.isNaN { failures.append("tile \(t) pixel \(i) \(name): \(actual), expected NaN") }
                        return
                    }
                    let tolerance = Swift.max(1e-5 * Swift.abs(expected), 1e-4)
                    let ratio = Swift.abs(Double(actual) - expected) / tolerance
                    worst = Swift.max(worst, ratio)
                    if !(ratio <= 1) { failures.append("tile \(t) pixel \(i) \(name): \(actual), expected \(expected)") }
                }
                compare("npp", out.npp[i], ref.npp, worst: &worst.npp)
                compare("rh", out.rh[i], ref.rh, worst: &worst.rh)
                compare("nep", out.nep[i], ref.nep, worst: &worst.nep)
                if let nep = ref.nep, !out.nep[i].isNaN { worst.nepAbs = Swift.max(worst.nepAbs, Swift.abs(Double(out.nep[i]) - nep)) }
                compare("agb", out.agb[i], ref.agb, worst: &worst.agb)
                compare("carbon", out.carbon[i], ref.carbonTotal, worst: &worst.carbon)
            }
        }
        return (failures, worst, pixels)
    }

    static let counts = [1, 3, 7, 8, 9, 15, 16, 17, 64, 101, 1000, 4099, 8000, 3, 20011]

    @Test func simdAgreesWithReferencePei2009() {
        let r = Self.check(rh: .pei2009, seed: 20_231_101, counts: Self.counts)
        print("pei2009 over \(r.pixels) pixels: \(r.worst)")
        #expect(r.failures.isEmpty, "\(r.failures.count) failures, first: \(r.failures.prefix(5))")
    }

    @Test func simdAgreesWithReferenceQ10() {
        let r = Self.check(rh: .q10(rRef: 1.1, q10: 2.3, tRef: 10), seed: 77, counts: [5, 999, 4096, 13])
        print("q10 over \(r.pixels) pixels: \(r.worst)")
        #expect(r.failures.isEmpty, "\(r.failures.count) failures, first: \(r.failures.prefix(5))")
    }

    /// NEP = NPP − Rh near zero, where single-precision arithmetic cancelled: every pixel's radiation
    /// is scaled (NPP is proportional to SOL) so that NPP ≈ Rh, leaving NEP of order 1e−4 gC or less.
    @Test func nepNearZeroMeetsTheStrictTolerance() {
        var rng = SplitMix64(seed: 31)
        let options = ModelOptions()
        let classes = PreparedClasses(table: Self.table, options: options)
        var tile = TileFixture(count: 3001, withHeight: false)
        for i in 0..<tile.count { Self.fill(&tile, i, &rng) }
        var scaled = 0
        for i in 0..<tile.count {
            let ref = tile.reference(i, table: Self.table, options: options)
            guard let npp = ref.npp, let rh = ref.rh, npp > 0 else { continue }
            for m in 0..<12 { tile.radiation[m * tile.count + i] = Float(Double(tile.radiation[m * tile.count + i]) * rh / npp) }
            scaled += 1
        }
        let out = tile.run(classes)
        var worst = 0.0, nearZero = 0, failures: [String] = []
        for i in 0..<tile.count {
            let ref = tile.reference(i, table: Self.table, options: options)
            guard let nep = ref.nep else { #expect(out.nep[i].isNaN); continue }
            if Swift.abs(nep) < 0.01 { nearZero += 1 }
            let ratio = Swift.abs(Double(out.nep[i]) - nep) / Swift.max(1e-5 * Swift.abs(nep), 1e-4)
            worst = Swift.max(worst, ratio)
            if !(ratio <= 1) { failures.append("pixel \(i): nep \(out.nep[i]), expected \(nep)") }
        }
        print("NEP near zero: \(scaled) pixels scaled, \(nearZero) with |NEP| < 0.01 gC; max error / tolerance \(worst)")
        #expect(nearZero > 1000)
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(5))")
    }

    /// The result of a pixel does not depend on where it sits in a tile or on the tile size.
    @Test func resultsDoNotDependOnTiling() {
        var rng = SplitMix64(seed: 5)
        let classes = PreparedClasses(table: Self.table, options: ModelOptions())
        var whole = TileFixture(count: 203, withHeight: true)
        for i in 0..<whole.count { Self.fill(&whole, i, &rng) }
        let a = whole.run(classes)
        for (start, size) in [(0, 5), (5, 64), (69, 1), (70, 133)] {
            var part = TileFixture(count: size, withHeight: true)
            for j in 0..<size {
                part.classIndex[j] = whole.classIndex[start + j]
                part.canopyHeight![j] = whole.canopyHeight![start + j]
                for m in 0..<12 {
                    part.ndvi[m * size + j] = whole.ndvi[m * whole.count + start + j]
                    part.temperature[m * size + j] = whole.temperature[m * whole.count + start + j]
                    part.precipitation[m * size + j] = whole.precipitation[m * whole.count + start + j]
                    part.radiation[m * size + j] = whole.radiation[m * whole.count + start + j]
                }
            }
            let b = part.run(classes)
            for j in 0..<size {
                let pairs = [(a.npp[start + j], b.npp[j]), (a.rh[start + j], b.rh[j]), (a.nep[start + j], b.nep[j]),
                             (a.agb[start + j], b.agb[j]), (a.carbon[start + j], b.carbon[j])]
                for (x, y) in pairs { #expect(x.bitPattern == y.bitPattern) }
            }
        }
    }

    @Test func emptyTileWritesNothing() {
        let classes = PreparedClasses(table: Self.table, options: ModelOptions())
        let out = TileFixture(count: 0, withHeight: false).run(classes)
        #expect(out.npp.isEmpty)
    }
}
