import GDALKit
import SinkmapKernelVariants
import SinkmapKernels
import SinkmapScene
import SinkmapAccounting

/// Stage 3 of a tile: the land-cover codes classified and the science kernels run over the
/// planes a `TileReader` holds, into five output planes (npp, rh, nep, agb, carbon; NaN
/// where nodata until `finishOutputs`). One per worker; buffers allocated once.
public final class TileKernel {
    public let capacity: Int
    let classes: PreparedClasses
    let lookup: CodeLookup
    /// Per class: whether it has a lidar allometry (agb_a, agb_b).
    let hasAllometry: [Bool]
    /// Per class: whether it has no flux (`method: none`); nil when no class is such.
    let noFlux: [Bool]?
    /// Class index per pixel of the last tile (−1 = not computed).
    public let classIndex: UnsafeMutablePointer<Int32>
    /// npp, rh, nep, agb, carbon: 5 consecutive planes of the tile's pixel count.
    public let outputs: UnsafeMutablePointer<Float>

    /// kNN imputation of AGB (`models: {agb: knn}`); nil for the allometry.
    let imputation: PixelImputation?

    public init(scene: PreparedScene, lookup: CodeLookup, capacity: Int, agbKNN: NearestNeighbours? = nil) {
        imputation = agbKNN.map { PixelImputation(tree: $0, table: scene.table, carbonFraction: scene.scene.options.carbonFraction) }
        self.capacity = capacity
        classes = PreparedClasses(table: scene.table, options: scene.scene.options)
        self.lookup = lookup
        hasAllometry = scene.table.classes.map(\.hasAllometry)
        let none = scene.table.classes.map { $0.method == .none }
        noFlux = none.contains(true) ? none : nil
        classIndex = .allocate(capacity: capacity)
        outputs = .allocate(capacity: 5 * capacity)
    }

    deinit {
        classIndex.deallocate()
        outputs.deallocate()
    }

    /// Classifies the tile's land cover and runs the kernels; counts what is left out.
    public func run(_ input: TileReader, count n: Int, leftOut: inout LeftOut) {
        precondition(n <= capacity)
        lookup.classify(input.landcover, count: n, into: classIndex, leftOut: &leftOut)
        let tile = TileInputs(count: n, classIndex: classIndex, ndvi: input.ndvi, temperature: input.temperature,
                              precipitation: input.precipitation, radiation: input.radiation,
                              canopyHeight: input.hasCanopy ? UnsafePointer(input.canopy) : nil)
        // The AVX-512 build where this CPU has it, else the standard one: the same bits (`KernelVariant`).
        KernelVariant.current.run(tile, plane(count: n), classes: classes)
        if let imputation, input.hasCanopy {
            imputation.run(classIndex: classIndex, hasAllometry: hasAllometry, height: input.canopy, ndvi: input.ndvi,
                           agb: outputs + 3 * n, carbon: outputs + 4 * n, count: n)
        }
        if let noFlux { zeroFluxes(noFlux, count: n) }
        let missing = Bands.countMissing(nep: outputs + 2 * n, precipitation: input.precipitation, count: n, months: 12,
                                         classIndex: classIndex)
        leftOut.negativePrecipitation += missing.negative
        leftOut.monthlyInputNodata += missing.nodata
        if input.hasCanopy { leftOut.canopyMissing += canopyMissing(input.canopy, count: n) }
    }

    /// NPP = Rh = NEP = 0 for the pixels of classes without flux, whatever their inputs.
    func zeroFluxes(_ noFlux: [Bool], count n: Int) {
        noFlux.withUnsafeBufferPointer { none in
            for i in 0..<n {
                let k = classIndex[i]
                if k >= 0 && none[Int(k)] { outputs[i] = 0; outputs[n + i] = 0; outputs[2 * n + i] = 0 }
            }
        }
    }

    /// Pixels of a class with lidar allometry whose canopy height is missing.
    func canopyMissing(_ height: UnsafePointer<Float>, count n: Int) -> Int64 {
        var missing: Int64 = 0
        hasAllometry.withUnsafeBufferPointer { allometry in
            for i in 0..<n {
                let k = classIndex[i]
                if k >= 0 && allometry[Int(k)] && height[i].isNaN { missing += 1 }
            }
        }
        return missing
    }

    /// The output planes of a tile of `n` pixels.
    public func plane(count n: Int) -> TileOutputs {
        TileOutputs(npp: outputs, rh: outputs + n, nep: outputs + 2 * n, agb: outputs + 3 * n, carbon: outputs + 4 * n)
    }

    /// NaN replaced by the output nodata value, ready for the sink.
    public func finishOutputs(count n: Int) {
        RasterValues.nanToNodata(outputs, count: 5 * n, nodata: OutputLayers.nodata)
    }
}
