import Foundation
import GDALKit
import SinkmapEngine
import SinkmapKernels
import SinkmapScene
import Testing
import TestSupport
import SinkmapAccounting
import SinkmapZones
import SinkmapBase

/// The accounting schema: slot layout, quantities and their units, the accumulator's
/// sums against a direct computation, partials that merge and travel as JSON.
@Suite struct SlotLayoutTests {
    @Test func slotsAreABijectionOntoTheKeys() {
        let layout = SlotLayout(units: 7)
        #expect(layout.ecosystems == Ecosystem.allCases.count)
        // Each ecosystem and the "no valid land cover" part, inside and outside the red line.
        #expect(layout.ecosystemSlots == Ecosystem.allCases.count + 1 && layout.lcMissing == Ecosystem.allCases.count)
        #expect(layout.count == 7 * (Ecosystem.allCases.count + 1) * 2)
        var seen = Set<Int>()
        for u in 0..<7 {
            for e in 0..<layout.ecosystemSlots {
                for red in [false, true] {
                    let s = layout.slot(unit: u, ecosystem: e, inRedline: red)
                    #expect((0..<layout.count).contains(s))
                    #expect(seen.insert(s).inserted, "slot \(s) given twice")
                    let k = layout.key(of: s)
                    #expect(k.unit == u && k.ecosystem == e && k.inRedline == red)
                    // A unit's slots are contiguous, in part order.
                    #expect(s == u * layout.slotsPerUnit + layout.partIndex(ecosystem: e, inRedline: red))
                }
            }
        }
        #expect(seen.count == layout.count)
    }
}

@Suite struct QuantityTests {
    @Test func conversionsToTableUnits() {
        // 1 ha = 10⁴ m² = 10¹⁰ micro-m²; 1 tC = 10⁶ gC = 10¹² micro-gC; Mg C/ha · m²: 10⁴ per tC.
        #expect(Quantity.area.value(10_000_000_000) == 1)
        #expect(Quantity.npp.value(1_000_000_000_000) == 1)
        #expect(Quantity.carbon.value(10_000_000_000) == 1)
        #expect(Quantity.area.text(15_000_000_000) == "1.5")
        #expect(Quantity.nep.text(-2_500_000) == "-0.0000025")
        #expect(Quantity.carbon.text(123) == "0.0000000123")
        #expect(abs(Quantity.co2e(12) - 44) < 1e-12)
        var t = ZoneTotals()
        t.nep = 3_000_000_000_000
        #expect(t.value(.nep) == 3 && t.nepTonnes == 3)
    }
}

@Suite struct AccumulatorTests {
    /// A tile of random outputs, zones, classes and red line, with a few nodata values.
    struct Tile {
        let width = 37, rows = 23, row0 = 5
        var classIndex: [Int32] = [], zone: [UInt32] = [], red: [UInt32] = []
        var npp: [Float] = [], rh: [Float] = [], carbon: [Float] = []
        let rowArea: [Double]
        let classEcosystem: [Int32] = [0, 2, 2, 5, 7]

        init(seed: UInt64) {
            var g = SeededGenerator(seed: seed)
            rowArea = (0..<40).map { _ in Double.random(in: 800...1000, using: &g) }
            for _ in 0..<(width * rows) {
                classIndex.append(Int32.random(in: -1...4, using: &g))
                zone.append(UInt32.random(in: 0...3, using: &g))
                red.append(Bool.random(using: &g) ? ZoneCoverage.one : 0)
                let v = { (lo: Float, hi: Float) -> Float in Int.random(in: 0..<10, using: &g) == 0 ? .nan : Float.random(in: lo...hi, using: &g) }
                npp.append(v(0, 1500)); rh.append(v(0, 900)); carbon.append(v(0, 300))
            }
        }

        func add(to acc: inout ZonalAccumulator, rows range: Range<Int>? = nil) {
            let r = range ?? 0..<rows
            let off = r.lowerBound * width
            classIndex.withUnsafeBufferPointer { k in zone.withUnsafeBufferPointer { z in red.withUnsafeBufferPointer { rl in
            npp.withUnsafeBufferPointer { a in rh.withUnsafeBufferPointer { b in
            carbon.withUnsafeBufferPointer { d in rowArea.withUnsafeBufferPointer { area in classEcosystem.withUnsafeBufferPointer { eco in
                acc.add(width: width, rows: r.count, row0: row0 + r.lowerBound, rowArea: area.baseAddress!,
                        classIndex: k.baseAddress! + off, classEcosystem: eco.baseAddress!, zone: z.baseAddress! + off,
                        redline: rl.baseAddress! + off, npp: a.baseAddress! + off, rh: b.baseAddress! + off,
                        carbon: d.baseAddress! + off)
            } } } } } } } }
        }
    }

    @Test func sumsMatchADirectComputation() {
        let tile = Tile(seed: 11)
        var acc = ZonalAccumulator(layout: SlotLayout(units: 3))
        tile.add(to: &acc)
        // Direct: per (unit, ecosystem, red) key, pixel counts and Double sums of value × area.
        struct Key: Hashable { var unit: Int, eco: Int, red: Bool }
        var pixels: [Key: Int64] = [:], withFlux: [Key: Int64] = [:], sums: [Key: [Double]] = [:]
        var outside: Int64 = 0, missing: Int64 = 0, counted = 0
        var lcMissingArea: [Key: Double] = [:]
        for i in 0..<(tile.width * tile.rows) {
            let area = tile.rowArea[tile.row0 + i / tile.width]
            guard tile.classIndex[i] >= 0 else {
                // No valid land cover: the unit's area only, in its own slot.
                if tile.zone[i] > 0 { lcMissingArea[Key(unit: Int(tile.zone[i]) - 1, eco: acc.layout.lcMissing, red: tile.red[i] != 0), default: 0] += area }
                continue
            }
            guard tile.zone[i] > 0 else { outside += 1; continue }
            let key = Key(unit: Int(tile.zone[i]) - 1, eco: Int(tile.classEcosystem[Int(tile.classIndex[i])]), red: tile.red[i] != 0)
            pixels[key, default: 0] += 1
            var s = sums[key] ?? [0, 0, 0, 0, 0]
            s[0] += area
            // Fluxes count where NPP and Rh are both valid; NEP is their difference.
            if tile.npp[i].isNaN || tile.rh[i].isNaN {
                missing += 1
            } else {
                withFlux[key, default: 0] += 1
                s[1] += Double(tile.npp[i]) * area
                s[2] += Double(tile.rh[i]) * area
                s[3] += (Double(tile.npp[i]) - Double(tile.rh[i])) * area
            }
            if !tile.carbon[i].isNaN { s[4] += Double(tile.carbon[i]) * area }
            sums[key] = s
            counted += 1
        }
        #expect(acc.leftOut.outsideZones == outside && acc.leftOut.nepMissing == missing && missing > 0)
        var total: Int64 = 0
        for slot in 0..<acc.layout.count {
            let k = acc.layout.key(of: slot)
            let key = Key(unit: k.unit, eco: k.ecosystem, red: k.inRedline)
            let t = acc[slot: slot]
            #expect(t.pixels == pixels[key, default: 0], "slot \(slot)")
            #expect(t.pixelsNEP == withFlux[key, default: 0], "slot \(slot)")
            #expect(t.nep == t.npp - t.rh, "slot \(slot): NEP is NPP − Rh exactly")
            total += t.pixels
            if k.ecosystem == acc.layout.lcMissing {
                #expect(t.pixels == 0 && t.npp == 0 && t.carbon == 0)
                #expect(abs(FixedPoint.value(t.area) - lcMissingArea[key, default: 0]) <= 1e-6 * 40, "slot \(slot) lc missing area")
                continue
            }
            guard let s = sums[key] else { #expect(t.isEmpty); continue }
            // Each contribution is rounded once to 10⁻⁶ (NEP: the difference of two roundings),
            // so the error is at most 10⁻⁶ per pixel.
            let tolerance = Double(t.pixels) * 1e-6
            for (j, q) in [Quantity.area, .npp, .rh, .nep, .carbon].enumerated() {
                #expect(abs(FixedPoint.value(t[q]) - s[j]) <= tolerance + 1e-9 * abs(s[j]), "slot \(slot) \(q)")
            }
        }
        #expect(total == Int64(counted))
    }

    @Test func hugeValuesAreLeftOutAndCountedNotTrapped() {
        // Undeclared Float32 fills (±3.4e38, ±inf) reaching the outputs: never summed.
        var acc = ZonalAccumulator(layout: SlotLayout(units: 1))
        let npp: [Float] = [3.4e38, 100, .infinity, 100], rh: [Float] = [1, -3.4e38, 1, 50], carbon: [Float] = [10, 10, 3.4e38, 10]
        let k: [Int32] = [0, 0, 0, 0], z: [UInt32] = [1, 1, 1, 1], eco: [Int32] = [0], area = [900.0]
        acc.add(width: 4, rows: 1, row0: 0, rowArea: area, classIndex: k, classEcosystem: eco, zone: z, redline: nil,
                npp: npp, rh: rh, carbon: carbon)
        let t = acc[slot: 0]
        #expect(t.pixels == 4 && t.pixelsNEP == 1)
        #expect(t.npp == 90_000_000_000 && t.rh == 45_000_000_000 && t.nep == 45_000_000_000)
        #expect(t.carbon == 27_000_000_000)
        #expect(acc.leftOut.implausibleValues == 4 && acc.leftOut.nepMissing == 3)
    }

    @Test func mergingSplitsGivesTheSameIntegers() {
        let tile = Tile(seed: 12)
        var whole = ZonalAccumulator(layout: SlotLayout(units: 3))
        tile.add(to: &whole)
        var top = ZonalAccumulator(layout: SlotLayout(units: 3)), bottom = top
        tile.add(to: &top, rows: 0..<9)
        tile.add(to: &bottom, rows: 9..<tile.rows)
        var ab = top, ba = bottom
        ab.merge(bottom)
        ba.merge(top)
        #expect(ab == whole && ba == whole)
        #expect(top != whole)  // the split really split something
    }

    @Test func partialsTravelAsJSONAndRefuseOverlaps() throws {
        let tile = Tile(seed: 13)
        var sums = ZonalAccumulator(layout: SlotLayout(units: 3))
        tile.add(to: &sums)
        sums.leftOut.unknownCodes = [99: 30, 70000: 2]
        let a = try RunPartials(plan: "p", tileCount: 4, tiles: [2, 0], sums: sums)
        let back = try JSONDecoder().decode(RunPartials.self, from: try JSONEncoder().encode(a))
        #expect(back == a && back.tiles == [0, 2])
        var merged = a
        try merged.merge(try RunPartials(plan: "p", tileCount: 4, tiles: [1, 3], sums: ZonalAccumulator(layout: sums.layout)))
        #expect(merged.isComplete && merged.sums == sums)
        #expect(throws: Refusal.self) { try merged.merge(a) }
        var other = a
        #expect(throws: Refusal.self) {
            try other.merge(try RunPartials(plan: "another grid", tileCount: 4, tiles: [1], sums: ZonalAccumulator(layout: sums.layout)))
        }
        // A tile counted twice or out of range is refused, also when decoding.
        #expect(throws: Refusal.self) { _ = try RunPartials(plan: "p", tileCount: 4, tiles: [1, 1], sums: sums) }
        #expect(throws: Refusal.self) { _ = try RunPartials(plan: "p", tileCount: 4, tiles: [4], sums: sums) }
        let doubled = String(decoding: try JSONEncoder().encode(a), as: UTF8.self).replacingOccurrences(of: "[0,2]", with: "[0,0,2]")
        #expect(doubled.contains("[0,0,2]"))
        #expect(throws: (any Error).self) { _ = try JSONDecoder().decode(RunPartials.self, from: Data(doubled.utf8)) }
    }
}
