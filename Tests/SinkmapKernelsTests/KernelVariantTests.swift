import Foundation
import Testing
@testable import SinkmapKernels
import SinkmapKernelVariants

/// The AVX-512 build of the carbon kernels (8 Double lanes, SinkmapKernelsAVX512) against the
/// standard one (4 lanes): the same bits for every pixel, and the same agreement with the scalar
/// reference. These run where the CPU has AVX-512; elsewhere that build is never chosen.
@Suite struct KernelVariantTests {
    static let wide = KernelVariant.supported

    /// Every output of both builds: equal bit patterns, NaNs included (sign and payload).
    static func differences(_ a: TileFixture.Outputs, _ b: TileFixture.Outputs) -> [String] {
        var found: [String] = []
        let planes = [("npp", a.npp, b.npp), ("rh", a.rh, b.rh), ("nep", a.nep, b.nep), ("agb", a.agb, b.agb),
                      ("carbon", a.carbon, b.carbon)]
        for (name, x, y) in planes {
            for i in x.indices where x[i].bitPattern != y[i].bitPattern {
                found.append("\(name)[\(i)]: \(x[i]) vs \(y[i])")
            }
        }
        return found
    }

    /// Random years with every edge case of `PropertyTests.fill`, in tiles whose sizes leave
    /// every remainder of 4 and of 8 (the builds' partial last steps), both Rh models.
    @Test(.enabled(if: wide, "this CPU has no AVX-512: sinkmap runs the standard kernels only"))
    func avx512GivesTheStandardBits() {
        var rng = SplitMix64(seed: 8_128)
        var pixels = 0
        for (t, count) in [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 64, 101, 1000, 4099].enumerated() {
            let rh: RhModel = t % 2 == 0 ? .pei2009 : .q10(rRef: 1.1, q10: 2.3, tRef: 10)
            let classes = PreparedClasses(table: PropertyTests.table, options: ModelOptions(rh: rh, carbonFraction: 0.47))
            var tile = TileFixture(count: count, withHeight: t % 3 != 2)
            for i in 0..<count { PropertyTests.fill(&tile, i, &rng) }
            let d = Self.differences(tile.run(classes, variant: .standard), tile.run(classes, variant: .avx512))
            #expect(d.isEmpty, "tile of \(count): \(d.count) differences, first: \(d.prefix(5))")
            pixels += count
        }
        print("avx512 and standard kernels: the same bits over \(pixels) pixels")
    }

    /// Values no plausible scene holds, one per pixel (infinities, huge and tiny magnitudes,
    /// negative zero): both builds still give the same bits.
    @Test(.enabled(if: wide, "this CPU has no AVX-512: sinkmap runs the standard kernels only"))
    func avx512GivesTheStandardBitsOnExtremeValues() {
        let extremes: [Float] = [.infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                 1e30, -1e30, 1e-40, -1e-40, .leastNormalMagnitude, -0.0, 0, 709, -745, 88.8, 1e-7]
        let planes: [WritableKeyPath<TileFixture, [Float]>] = [\.ndvi, \.temperature, \.precipitation, \.radiation]
        let count = extremes.count * planes.count * 2
        var tile = TileFixture(count: count, withHeight: true)
        var rng = SplitMix64(seed: 99)
        for i in 0..<count { PropertyTests.fill(&tile, i, &rng) }
        for i in 0..<count {
            // Pixel i: one extreme value in one plane, in one month (or, for odd i, in every month).
            let value = extremes[i / 2 % extremes.count], plane = planes[i / 2 / extremes.count]
            tile.classIndex[i] = Int32(i % PropertyTests.table.classes.count)
            for m in (i % 2 == 0 ? [i % 12] : Array(0..<12)) { tile[keyPath: plane][m * count + i] = value }
            tile.canopyHeight![i] = extremes[(i + 3) % extremes.count]
        }
        for rh in [RhModel.pei2009, .q10(rRef: 1.1, q10: 2.3, tRef: 10)] {
            let classes = PreparedClasses(table: PropertyTests.table, options: ModelOptions(rh: rh, carbonFraction: 0.47))
            let d = Self.differences(tile.run(classes, variant: .standard), tile.run(classes, variant: .avx512))
            #expect(d.isEmpty, "\(d.count) differences, first: \(d.prefix(5))")
        }
    }

    /// The AVX-512 build meets the scalar reference's tolerance on its own (not only through the
    /// standard build).
    @Test(.enabled(if: wide, "this CPU has no AVX-512: sinkmap runs the standard kernels only"))
    func avx512AgreesWithReference() {
        let r = PropertyTests.check(rh: .pei2009, seed: 20_231_101, counts: [7, 8, 9, 1000, 4099], variant: .avx512)
        print("avx512, pei2009 over \(r.pixels) pixels: \(r.worst)")
        #expect(r.failures.isEmpty, "\(r.failures.count) failures, first: \(r.failures.prefix(5))")
    }

    /// SINKMAP_KERNELS=standard forces the standard build; nothing can force AVX-512 onto a CPU
    /// without it (the command line refuses); unset or auto, the AVX-512 build runs where supported.
    @Test func choice() {
        #expect(KernelVariant.choose(asked: nil, supported: true) == .avx512)
        #expect(KernelVariant.choose(asked: "auto", supported: true) == .avx512)
        #expect(KernelVariant.choose(asked: nil, supported: false) == .standard)
        #expect(KernelVariant.choose(asked: "standard", supported: true) == .standard)
        #expect(KernelVariant.choose(asked: "avx512", supported: true) == .avx512)
        for asked in [nil, "", "auto", "standard", "avx512"] {
            #expect(KernelVariant.problem(asked: asked, supported: true) == nil)
        }
        #expect(KernelVariant.problem(asked: "standard", supported: false) == nil)
        #expect(KernelVariant.problem(asked: "avx512", supported: false)?.hasPrefix("SINKMAP_KERNELS=avx512, but this") == true)
        #expect(KernelVariant.problem(asked: "avx2", supported: true) == "SINKMAP_KERNELS must be auto, standard or avx512 (got 'avx2')")
        #expect(KernelVariant.problem(asked: "Standard", supported: true) != nil)
        #expect(KernelVariant.standard.width == 4)
        #expect(KernelVariant.avx512.width == 8)
        #if arch(x86_64)
        #expect(KernelVariant.supported == (KernelVariant.built && KernelVariantTests.cpuReportsAVX512()))
        #endif
    }

    /// Whether /proc/cpuinfo lists every AVX-512 feature the check asks for (an independent
    /// reading of the CPU's features; Linux only).
    static func cpuReportsAVX512() -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let have = Set(flags.split(separator: " ").map(String.init))
        return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma", "bmi1", "bmi2", "abm",
                "popcnt", "movbe", "f16c"].allSatisfy(have.contains)
    }
}
