// Compiled twice (see VectorMath.swift): in SinkmapKernelsAVX512 the types it shares with the
// standard build come from SinkmapKernels.
#if SINKMAP_KERNEL_COPY
import SinkmapKernels
#endif

/// The per-pixel model of SPEC §3 over a tile, `width` pixels per step in `DoubleV` (4 lanes;
/// 8 in the AVX-512 variant, SinkmapKernelsAVX512) (Float inputs widened on load, Double
/// arithmetic throughout, Float outputs).
public enum CarbonKernels {
    /// SIMD width in pixels.
    public static let width = DoubleV.scalarCount

    /// Computes annual NPP, Rh, NEP (gC m⁻² yr⁻¹), AGB (Mg ha⁻¹) and total carbon stock
    /// (Mg C ha⁻¹) for every pixel of the tile. Allocates nothing on the heap (stack scratches:
    /// 12 vectors of ln T_m, and ~0.8 KB (4 lanes) or ~1.6 KB (8 lanes) for the last, partial step); single-threaded: run tiles
    /// in parallel from outside.
    ///
    /// Nodata rule (SPEC §3), NaN = nodata in inputs and outputs:
    /// - `classIndex` −1 (or out of range): all five outputs NaN;
    /// - NPP, Rh and NEP are NaN where any of the pixel's 48 monthly values (NDVI, T, P, SOL) is NaN,
    ///   or any P_m is negative (bad input: the engine reports it separately);
    /// - AGB and carbon need only the class, and the canopy height where present: a NaN (or infinite)
    ///   height, or `canopyHeight == nil`, or a class without allometry takes the table pools.
    ///
    /// Results are deterministic: every pixel is computed by the same instruction sequence
    /// wherever it lies in a tile (the partial last step is padded and computed as a full step),
    /// so they do not depend on tile size or thread count. They agree with `ScalarReference` to
    /// the Float rounding of the outputs (≤ 6e−8 relative, NEP included; tests assert 1e−5).
    public static func run(_ input: TileInputs, _ output: TileOutputs, classes: PreparedClasses) {
        let n = input.count
        guard n > 0 else { return }
        let rh = classes.rh
        let classCount = Int32(classes.count)
        classes.rows.withUnsafeBufferPointer { rowsBuffer in
          withUnsafeTemporaryAllocation(of: DoubleV.self, capacity: 12) { logT in
            let rows = rowsBuffer.baseAddress!, logT = logT.baseAddress!
            let full = n - n % width
            var i = 0
            while i < full {
                let r = step(
                    ndvi: input.ndvi + i, temperature: input.temperature + i,
                    precipitation: input.precipitation + i, radiation: input.radiation + i, stride: n,
                    classIndex: input.classIndex + i, canopyHeight: input.canopyHeight.map { $0 + i },
                    rows: rows, classCount: classCount, rh: rh, logT: logT)
                store(r.npp, output.npp + i); store(r.rh, output.rh + i); store(r.nep, output.nep + i)
                store(r.agb, output.agb + i); store(r.carbon, output.carbon + i)
                i += width
            }
            if full < n { tail(input, output, from: full, rows: rows, classCount: classCount, rh: rh, logT: logT) }
          }
        }
    }

    /// The last `count − from` (< `width`) pixels, copied into a `width`-pixel scratch padded with class −1.
    @inline(never)
    static func tail(_ input: TileInputs, _ output: TileOutputs, from start: Int,
                     rows: UnsafePointer<Double>, classCount: Int32, rh: PreparedClasses.RhConstants,
                     logT: UnsafeMutablePointer<DoubleV>) {
        let n = input.count, rest = n - start
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * 12 * width + width) { scratch in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: width) { idx in
                let s = scratch.baseAddress!
                scratch.initialize(repeating: 0)
                idx.initialize(repeating: -1)
                func copy(_ plane: UnsafePointer<Float>, _ k: Int) {
                    for m in 0..<12 {
                        for j in 0..<rest { s[(k * 12 + m) * width + j] = plane[m * n + start + j] }
                    }
                }
                copy(input.ndvi, 0); copy(input.temperature, 1); copy(input.precipitation, 2); copy(input.radiation, 3)
                let h = s + 4 * 12 * width
                if let height = input.canopyHeight { for j in 0..<rest { h[j] = height[start + j] } }
                for j in 0..<rest { idx[j] = input.classIndex[start + j] }
                let r = step(
                    ndvi: s, temperature: s + 12 * width, precipitation: s + 24 * width, radiation: s + 36 * width,
                    stride: width, classIndex: idx.baseAddress!, canopyHeight: input.canopyHeight == nil ? nil : UnsafePointer(h),
                    rows: rows, classCount: classCount, rh: rh, logT: logT)
                for j in 0..<rest {
                    output.npp[start + j] = Float(r.npp[j]); output.rh[start + j] = Float(r.rh[j])
                    output.nep[start + j] = Float(r.nep[j])
                    output.agb[start + j] = Float(r.agb[j]); output.carbon[start + j] = Float(r.carbon[j])
                }
            }
        }
    }

    /// `width` Float values widened to Double lanes.
    @inline(always)
    static func load(_ p: UnsafePointer<Float>) -> DoubleV {
        DoubleV(UnsafeRawPointer(p).loadUnaligned(as: FloatV.self))
    }

    /// Double lanes rounded to Float and stored.
    @inline(always)
    static func store(_ v: DoubleV, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: FloatV(v), as: FloatV.self)
    }

    struct StepResult { var npp, rh, nep, agb, carbon: DoubleV }

    /// `width` pixels. Plane pointers point at the first pixel of month 0; month m is at `+ m·stride`.
    /// `logT`: 12 vectors of scratch (ln T_m from pass 1, reused by pass 2).
    @inline(always)
    static func step(
        ndvi: UnsafePointer<Float>, temperature: UnsafePointer<Float>, precipitation: UnsafePointer<Float>,
        radiation: UnsafePointer<Float>, stride: Int, classIndex: UnsafePointer<Int32>,
        canopyHeight: UnsafePointer<Float>?, rows: UnsafePointer<Double>, classCount: Int32,
        rh rhModel: PreparedClasses.RhConstants, logT: UnsafeMutablePointer<DoubleV>
    ) -> StepResult {
        typealias F = ClassRow.Field
        let nan = DoubleV(repeating: .nan)
        // Class parameters, gathered per lane from the class rows (sentinel row for −1).
        let idx = Int64V(truncatingIfNeeded: UnsafeRawPointer(classIndex).loadUnaligned(as: Int32V.self))
        let computed = (idx .>= 0) .& (idx .< Int64(classCount))
        if !any(computed) { return StepResult(npp: nan, rh: nan, nep: nan, agb: nan, carbon: nan) }
        let safe = idx.replacing(with: Int64(classCount), where: .!computed)
        var ndviMin = DoubleV(), ndviMax = DoubleV(), c1 = DoubleV(), c2 = DoubleV(), epsHalf = DoubleV()
        var agbA = DoubleV(), agbB = DoubleV(), carbonPerAGB = DoubleV(), soilDead = DoubleV()
        var agbTable = DoubleV(), carbonTable = DoubleV()
        for lane in 0..<width {
            let row = rows + Int(safe[lane]) &* ClassRow.stride
            ndviMin[lane] = row[F.ndviMin.rawValue]; ndviMax[lane] = row[F.ndviMax.rawValue]
            c1[lane] = row[F.fparC1.rawValue]; c2[lane] = row[F.fparC2.rawValue]
            epsHalf[lane] = row[F.epsHalf.rawValue]
            agbA[lane] = row[F.agbA.rawValue]; agbB[lane] = row[F.agbB.rawValue]
            carbonPerAGB[lane] = row[F.carbonPerAGB.rawValue]; soilDead[lane] = row[F.soilDead.rawValue]
            agbTable[lane] = row[F.agbTable.rawValue]; carbonTable[lane] = row[F.carbonTable.rawValue]
        }

        // Biomass and carbon stock.
        var agb = agbTable, carbon = carbonTable
        if let canopyHeight {
            let h = load(canopyHeight)
            let use = (h .>= -Double.greatestFiniteMagnitude) .& (h .<= Double.greatestFiniteMagnitude) .& (agbA .== agbA)
            if any(use) {
                var hc = h.replacing(with: 0, where: .!(h .> 0))
                hc = hc.replacing(with: 100, where: hc .> 100)
                let agbLidar = agbA * VectorMath.pow(hc, agbB)
                agb = agb.replacing(with: agbLidar, where: use)
                carbon = carbon.replacing(with: mulAdd(agbLidar, carbonPerAGB, soilDead), where: use)
            }
        }

        // Pass 1: nodata, T_opt (first month of maximum NDVI), heat index I.
        var bad = MaskV(repeating: false)
        var maxNDVI = load(ndvi)
        var tOpt = load(temperature)
        var heat = DoubleV()
        for m in 0..<12 {
            let o = m &* stride
            let nv = load(ndvi + o), t = load(temperature + o), p = load(precipitation + o), s = load(radiation + o)
            bad = bad .| (nv .!= nv) .| (t .!= t) .| (s .!= s) .| .!(p .>= 0)
            let better = nv .> maxNDVI
            maxNDVI = maxNDVI.replacing(with: nv, where: better)
            tOpt = tOpt.replacing(with: t, where: better)
            let lt = VectorMath.log(t)
            logT[m] = lt
            heat += CasaLanes.heatIndexTerm(t, logT: lt)
        }
        let a = CasaLanes.thornthwaiteExponent(heatIndex: heat)
        let logTenOverI = VectorMath.log(10 / heat)
        let tEps1 = CasaLanes.tEpsilon1(tOpt: tOpt)
        let nppScale = epsHalf * tEps1

        // Pass 2: the twelve months.
        var npp = DoubleV(), rh = DoubleV()
        for m in 0..<12 {
            let o = m &* stride
            let nv = load(ndvi + o), t = load(temperature + o), p = load(precipitation + o), s = load(radiation + o)
            let fpar = CasaLanes.fpar(ndvi: nv, ndviMin: ndviMin, ndviMax: ndviMax, c1: c1, c2: c2)
            let tEps2 = CasaLanes.tEpsilon2(t, tOpt: tOpt)
            let ep = CasaLanes.potentialET(t, logT: logT[m], heatIndex: heat, logTenOverI: logTenOverI, exponent: a)
            let eet = CasaLanes.estimatedET(potentialET: ep, precipitation: p)
            let wEps = CasaLanes.waterStress(estimatedET: eet, potentialET: ep)
            let month = (s * fpar) * nppScale * tEps2 * wEps
            npp += month.replacing(with: 0, where: t .<= -10)          // Tε1_m = 0 when T_m ≤ −10
            if rhModel.pei {
                rh += CasaLanes.rhPei(t, p, scale: rhModel.scale)
            } else {
                rh += CasaLanes.rhQ10(t, scale: rhModel.scale, rate: rhModel.rate, tRef: rhModel.tRef)
            }
        }
        let noFlux = bad .| .!computed
        return StepResult(
            npp: npp.replacing(with: .nan, where: noFlux),
            rh: rh.replacing(with: .nan, where: noFlux),
            nep: (npp - rh).replacing(with: .nan, where: noFlux),
            agb: agb.replacing(with: .nan, where: .!computed),
            carbon: carbon.replacing(with: .nan, where: .!computed))
    }
}
