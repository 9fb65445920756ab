import Foundation
import TestSupport
@testable import SinkmapKernels
import SinkmapKernelVariants

/// SplitMix64: a small fixed-seed generator so every run tests the same pixels.
typealias SplitMix64 = SeededGenerator

/// A tile held in Swift arrays, month-major like `TileInputs`.
struct TileFixture {
    var count: Int
    var classIndex: [Int32]
    var ndvi: [Float], temperature: [Float], precipitation: [Float], radiation: [Float]
    var canopyHeight: [Float]?

    init(count: Int, withHeight: Bool) {
        self.count = count
        classIndex = Array(repeating: -1, count: count)
        ndvi = Array(repeating: 0, count: 12 * count)
        temperature = ndvi; precipitation = ndvi; radiation = ndvi
        canopyHeight = withHeight ? Array(repeating: .nan, count: count) : nil
    }

    struct Outputs { var npp, rh, nep, agb, carbon: [Float] }

    /// Runs `CarbonKernels.run` of `variant` (the standard build unless asked) over the tile.
    func run(_ classes: PreparedClasses, variant: KernelVariant = .standard) -> Outputs {
        var out = Outputs(npp: Array(repeating: -7, count: count), rh: Array(repeating: -7, count: count),
                          nep: Array(repeating: -7, count: count), agb: Array(repeating: -7, count: count),
                          carbon: Array(repeating: -7, count: count))
        let heights = canopyHeight ?? []
        classIndex.withUnsafeBufferPointer { ci in
        ndvi.withUnsafeBufferPointer { nv in
        temperature.withUnsafeBufferPointer { t in
        precipitation.withUnsafeBufferPointer { p in
        radiation.withUnsafeBufferPointer { s in
        heights.withUnsafeBufferPointer { h in
        out.npp.withUnsafeMutableBufferPointer { o1 in
        out.rh.withUnsafeMutableBufferPointer { o2 in
        out.nep.withUnsafeMutableBufferPointer { o3 in
        out.agb.withUnsafeMutableBufferPointer { o4 in
        out.carbon.withUnsafeMutableBufferPointer { o5 in
            let input = TileInputs(
                count: count, classIndex: ci.baseAddress!, ndvi: nv.baseAddress!, temperature: t.baseAddress!,
                precipitation: p.baseAddress!, radiation: s.baseAddress!,
                canopyHeight: canopyHeight == nil ? nil : h.baseAddress!)
            let output = TileOutputs(npp: o1.baseAddress!, rh: o2.baseAddress!, nep: o3.baseAddress!,
                                     agb: o4.baseAddress!, carbon: o5.baseAddress!)
            variant.run(input, output, classes: classes)
        }}}}}}}}}}}
        return out
    }

    func months(_ plane: [Float], _ i: Int) -> [Double] { (0..<12).map { Double(plane[$0 * count + i]) } }

    /// The scalar reference for pixel `i` (same Float inputs, widened to Double).
    func reference(_ i: Int, table: ParameterTable, options: ModelOptions) -> ScalarReference.PixelResult {
        let k = Int(classIndex[i])
        let c = (k >= 0 && k < table.classes.count) ? table.classes[k] : nil
        return ScalarReference.pixel(
            c, options: options, ndvi: months(ndvi, i), temperature: months(temperature, i),
            precipitation: months(precipitation, i), radiation: months(radiation, i),
            canopyHeight: canopyHeight.map { Double($0[i]) })
    }
}

/// The worked example of SPEC §3.
enum WorkedExample {
    static let temperature: [Double] = [-12, -4, 3, 10, 16, 21, 24, 23, 17, 9, 1, -8]
    static let precipitation: [Double] = [2, 5, 12, 30, 55, 90, 140, 120, 60, 25, 8, 3]
    static let radiation: [Double] = [230, 300, 420, 520, 600, 640, 620, 560, 450, 340, 240, 200]
    static let ndvi: [Double] = [0.10, 0.12, 0.18, 0.30, 0.48, 0.62, 0.71, 0.69, 0.55, 0.36, 0.20, 0.12]
    static let forest = ClassParameters(
        code: 4, name: "deciduous broadleaf", ecosystem: .forest, epsMax: 0.692, ndviMin: 0.023, ndviMax: 0.747,
        agbA: 14.574468, agbB: 0.952, rootShoot: 0.24, cAbove: 60, cBelow: 14, cSoil: 90, cDead: 5)
    static let options = ModelOptions(rh: .pei2009, carbonFraction: 0.47)
}

/// |actual − expected| ≤ max(rel·|expected|, abs).
func isClose(_ actual: Double, _ expected: Double, rel: Double = 1e-5, abs absTol: Double = 0) -> Bool {
    Swift.abs(actual - expected) <= Swift.max(rel * Swift.abs(expected), absTol)
}

/// Path of a file in the repository, from this source file's location.
func repositoryFile(_ relative: String, from file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(relative)
}
