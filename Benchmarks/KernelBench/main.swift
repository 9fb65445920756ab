// KernelBench: throughput of the SinkmapKernels in pixel-months per second (release build).
//
//   swift run -c release KernelBench [--pixels N] [--seconds S]
//
// A fixed-seed synthetic tile set (tiles of 256×256 pixels, six classes, 12 months of
// plausible NDVI/climate, 10 % no-lidar pixels) is run through
//   1. CarbonKernels.run (SIMD, the standard 4-lane build) on one thread, and the AVX-512 build
//      (8 lanes, SinkmapKernelsAVX512) where the CPU has it, with the ratio of the two;
//   2. ScalarReference.pixel (Double, libm) on one thread,
//   3. the kernels sinkmap runs on this CPU (`KernelVariant.current`) on all cores (one tile per
//      task, DispatchQueue.concurrentPerform),
//   4. kNN imputation of AGB over 3000² pixels against 1000 plots (KNN.swift), tree vs brute force.
// One pixel-month = one pixel × one month of the 12 the model reads.
import Dispatch
import SinkmapKernels
import SinkmapKernelVariants

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import TestSupport

typealias SplitMix64 = SeededGenerator

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Double) -> Double {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Double(arguments[i + 1]) else { return fallback }
    return v
}
let tileSide = 256
let tilePixels = tileSide * tileSide
let tileCount = max(1, Int(option("--pixels", 1_048_576)) / tilePixels)
let minSeconds = option("--seconds", 2)

let table = ParameterTable(classes: [
    ClassParameters(code: 1, name: "ENF", ecosystem: .forest, epsMax: 0.389, ndviMin: 0.023, ndviMax: 0.647,
                    agbA: 20, agbB: 0.8, rootShoot: 0.29, cAbove: 56.4, cBelow: 16.4, cSoil: 88, cDead: 22),
    ClassParameters(code: 2, name: "EBF", ecosystem: .forest, epsMax: 0.985, ndviMin: 0.023, ndviMax: 0.676,
                    agbA: 14, agbB: 1.0, rootShoot: 0.24, cAbove: 84.6, cBelow: 20.3, cSoil: 88, cDead: 2.8),
    ClassParameters(code: 4, name: "DBF", ecosystem: .forest, epsMax: 0.692, ndviMin: 0.023, ndviMax: 0.747,
                    agbA: 14.574468, agbB: 0.952, rootShoot: 0.24, cAbove: 60, cBelow: 14, cSoil: 90, cDead: 5),
    ClassParameters(code: 10, name: "grass", ecosystem: .grassland, epsMax: 0.542, ndviMin: 0.023, ndviMax: 0.634,
                    rootShoot: 4, cAbove: 1.3, cBelow: 5.1, cSoil: 88, cDead: 0),
    ClassParameters(code: 12, name: "crop", ecosystem: .farmland, epsMax: 0.542, ndviMin: 0.023, ndviMax: 0.634,
                    rootShoot: 0.22, cAbove: 4, cBelow: 0.9, cSoil: 60.7, cDead: 0),
    ClassParameters(code: 17, name: "water", ecosystem: .water, epsMax: 0, ndviMin: 0.023, ndviMax: 0.634,
                    rootShoot: 0, cAbove: 0, cBelow: 0, cSoil: 0, cDead: 0),
])
let options = ModelOptions(rh: .pei2009, carbonFraction: 0.47)
let classes = PreparedClasses(table: table, options: options)

/// One tile's inputs and outputs, allocated once.
final class Tile: @unchecked Sendable {
    let n: Int
    let classIndex: UnsafeMutablePointer<Int32>
    let ndvi, temperature, precipitation, radiation, height: UnsafeMutablePointer<Float>
    let out: [UnsafeMutablePointer<Float>]

    init(n: Int, rng: inout SplitMix64) {
        self.n = n
        classIndex = .allocate(capacity: n)
        ndvi = .allocate(capacity: 12 * n); temperature = .allocate(capacity: 12 * n)
        precipitation = .allocate(capacity: 12 * n); radiation = .allocate(capacity: 12 * n)
        height = .allocate(capacity: n)
        out = (0..<5).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: n) }
        for i in 0..<n {
            classIndex[i] = Int32.random(in: 0..<Int32(table.classes.count), using: &rng)
            let base = Float.random(in: -10...25, using: &rng), amp = Float.random(in: 3...18, using: &rng)
            let peak = Float.random(in: 0.3...0.9, using: &rng)
            for m in 0..<12 {
                let season = -cos(Float(m) / 12 * 2 * .pi)
                temperature[m * n + i] = base + amp * season + Float.random(in: -2...2, using: &rng)
                precipitation[m * n + i] = max(0, 60 + 50 * season + Float.random(in: -40...40, using: &rng))
                radiation[m * n + i] = 400 + 200 * season + Float.random(in: -50...50, using: &rng)
                ndvi[m * n + i] = 0.1 + (peak - 0.1) * (season + 1) / 2 + Float.random(in: -0.03...0.03, using: &rng)
            }
            height[i] = Int.random(in: 0..<10, using: &rng) == 0 ? .nan : Float.random(in: 0...35, using: &rng)
        }
    }

    var inputs: TileInputs {
        TileInputs(count: n, classIndex: classIndex, ndvi: ndvi, temperature: temperature,
                   precipitation: precipitation, radiation: radiation, canopyHeight: height)
    }
    var outputs: TileOutputs { TileOutputs(npp: out[0], rh: out[1], nep: out[2], agb: out[3], carbon: out[4]) }
    func run(_ variant: KernelVariant = .standard) { variant.run(inputs, outputs, classes: classes) }
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

func format(_ x: Double) -> String {
    let exponent = x > 0 ? Int(log10(x).rounded(.down)) : 0
    let mantissa = x / pow(10, Double(exponent))
    return String(Int((mantissa * 100).rounded())).inserting(dotAfter: 1) + "e\(exponent)"
}
extension String {
    func inserting(dotAfter k: Int) -> String { String(prefix(k)) + "." + String(dropFirst(k)) }
}

/// Repeats `body` (which processes `pixels` pixels) until `minSeconds` have passed; returns pixel-months/s.
func measure(pixels: Int, _ body: () -> Void) -> Double {
    body()   // warm-up
    let clock = ContinuousClock()
    var rounds = 0
    let start = clock.now
    var elapsed = 0.0
    repeat { body(); rounds += 1; elapsed = seconds(clock.now - start) } while elapsed < minSeconds
    return Double(rounds * pixels * 12) / elapsed
}

var rng = SplitMix64(seed: 2023)
let tiles = (0..<tileCount).map { _ in Tile(n: tilePixels, rng: &rng) }
let totalPixels = tileCount * tilePixels
let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
print("KernelBench: \(tileCount) tiles × \(tilePixels) pixels × 12 months, fixed seed, \(cores) cores online")

let simd1 = measure(pixels: totalPixels) { for t in tiles { t.run() } }
print("SIMD kernel, 1 thread:       \(format(simd1)) pixel-months/s")
if KernelVariant.supported {
    let wide1 = measure(pixels: totalPixels) { for t in tiles { t.run(.avx512) } }
    print("AVX-512 kernel, 1 thread:    \(format(wide1)) pixel-months/s (\(String(format1: wide1 / simd1))× the standard build)")
} else {
    print("AVX-512 kernel: not on this CPU (or not in this build)")
}

// The scalar reference on a 1/16 sample (it allocates arrays per pixel and is slow).
let tile0 = tiles[0]
let sample = tilePixels / 16
var sink = 0.0
let scalar1 = measure(pixels: sample) {
    for i in 0..<sample {
        let n = tile0.n
        func months(_ p: UnsafeMutablePointer<Float>) -> [Double] { (0..<12).map { Double(p[$0 * n + i]) } }
        let r = ScalarReference.pixel(table.classes[Int(tile0.classIndex[i])], options: options,
                                      ndvi: months(tile0.ndvi), temperature: months(tile0.temperature),
                                      precipitation: months(tile0.precipitation), radiation: months(tile0.radiation),
                                      canopyHeight: Double(tile0.height[i]))
        sink += r.nep ?? 0
    }
}
print("Scalar reference, 1 thread:  \(format(scalar1)) pixel-months/s")
print("SIMD / scalar:               \(Int((simd1 / scalar1).rounded()))×")

let simdAll = measure(pixels: totalPixels) {
    DispatchQueue.concurrentPerform(iterations: tiles.count) { tiles[$0].run(KernelVariant.current) }
}
print("\(KernelVariant.current) kernel, \(cores) threads: \(format(simdAll)) pixel-months/s (\(String(format1: simdAll / simd1))× the standard build on one thread)")

// Sum of NEP over the tile set: identical across runs, thread counts and (to ~1e−6) builds.
var checksum = 0.0
for t in tiles { for i in 0..<t.n where !t.out[2][i].isNaN { checksum += Double(t.out[2][i]) } }
print("NEP checksum \(checksum)" + (sink.isNaN ? " (scalar NaN)" : ""))

let benchClock = ContinuousClock(), benchStart = benchClock.now
let knn = knnBenchmark { seconds(benchClock.now - benchStart) }
print("kNN imputation (k = 5, 1000 plots, 5 predictors), 1 thread: 3000² pixels in \(String(format1: knn.scene)) s, \(format(knn.tree)) queries/s")
print("kNN brute force on a 1/100 sample:  \(format(knn.brute)) queries/s; tree / brute force \(String(format1: knn.tree / knn.brute))×")

extension String {
    init(format1 x: Double) { self = String(Double(Int(x * 100)) / 100) }
}
