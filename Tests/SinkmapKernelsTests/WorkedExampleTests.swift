import Testing
@testable import SinkmapKernels

/// SPEC §3's worked example, through the scalar reference and through the SIMD kernel.
@Suite struct WorkedExampleTests {
    typealias W = WorkedExample

    @Test func scalarReferenceReproducesMonthSeven() {
        let months = ScalarReference.casaMonths(W.forest, ndvi: W.ndvi, temperature: W.temperature,
                                                precipitation: W.precipitation, radiation: W.radiation)
        let july = months[6]
        #expect(isClose(july.fpar, 0.844056))
        #expect(isClose(july.potentialET, 119.610652))
        #expect(isClose(july.waterStress, 0.945759))
        #expect(isClose(july.npp, 168.755250))
    }

    @Test func scalarReferenceReproducesAnnualValuesAndStocks() throws {
        let r = ScalarReference.pixel(W.forest, options: W.options, ndvi: W.ndvi, temperature: W.temperature,
                                      precipitation: W.precipitation, radiation: W.radiation, canopyHeight: 18)
        #expect(isClose(try #require(r.npp), 600.512019))
        #expect(isClose(try #require(r.rh), 207.897130))
        #expect(isClose(try #require(r.nep), 392.614889))
        #expect(isClose(try #require(r.agb), 228.355848))
        #expect(isClose(try #require(r.carbonTotal), 228.085788))
        let noLidar = ScalarReference.pixel(W.forest, options: W.options, ndvi: W.ndvi, temperature: W.temperature,
                                            precipitation: W.precipitation, radiation: W.radiation, canopyHeight: nil)
        #expect(isClose(try #require(noLidar.agb), 127.659574))
        #expect(isClose(try #require(noLidar.carbonTotal), 169))
    }

    /// Month 7 through the lane functions the kernel is built from (all 8 lanes the same pixel).
    @Test func simdLanesReproduceMonthSeven() {
        let classes = PreparedClasses(table: ParameterTable(classes: [W.forest]), options: W.options)
        func row(_ f: ClassRow.Field) -> DoubleV { DoubleV(repeating: classes.rows[f.rawValue]) }
        func v(_ x: Double) -> DoubleV { DoubleV(repeating: Double(Float(x))) }   // inputs are Float planes
        var heat = DoubleV()
        for t in W.temperature { heat += CasaLanes.heatIndexTerm(v(t), logT: VectorMath.log(v(t))) }
        let a = CasaLanes.thornthwaiteExponent(heatIndex: heat)
        let tOpt = v(24)   // July has the largest NDVI
        let fpar = CasaLanes.fpar(ndvi: v(0.71), ndviMin: row(.ndviMin), ndviMax: row(.ndviMax), c1: row(.fparC1), c2: row(.fparC2))
        let ep = CasaLanes.potentialET(v(24), logT: VectorMath.log(v(24)), heatIndex: heat,
                                       logTenOverI: VectorMath.log(10 / heat), exponent: a)
        let eet = CasaLanes.estimatedET(potentialET: ep, precipitation: v(140))
        let wEps = CasaLanes.waterStress(estimatedET: eet, potentialET: ep)
        let tEps2 = CasaLanes.tEpsilon2(v(24), tOpt: tOpt)
        let npp = v(620) * fpar * row(.epsHalf) * CasaLanes.tEpsilon1(tOpt: tOpt) * tEps2 * wEps
        for lane in 0..<DoubleV.scalarCount {
            #expect(isClose(fpar[lane], 0.844056))
            #expect(isClose(ep[lane], 119.610652))
            #expect(isClose(wEps[lane], 0.945759))
            #expect(isClose(npp[lane], 168.755250))
        }
    }

    /// The pixel at several positions of a tile whose size is not a multiple of the SIMD width, with and without lidar.
    @Test(arguments: [1, 4, 8, 11, 21])
    func simdKernelReproducesAnnualValuesAndStocks(count: Int) {
        let classes = PreparedClasses(table: ParameterTable(classes: [W.forest]), options: W.options)
        var tile = TileFixture(count: count, withHeight: true)
        for i in 0..<count {
            tile.classIndex[i] = 0
            for m in 0..<12 {
                tile.ndvi[m * count + i] = Float(W.ndvi[m]); tile.temperature[m * count + i] = Float(W.temperature[m])
                tile.precipitation[m * count + i] = Float(W.precipitation[m]); tile.radiation[m * count + i] = Float(W.radiation[m])
            }
            tile.canopyHeight![i] = i % 2 == 0 ? 18 : .nan
        }
        let out = tile.run(classes)
        for i in 0..<count {
            #expect(isClose(Double(out.npp[i]), 600.512019))
            #expect(isClose(Double(out.rh[i]), 207.897130))
            #expect(isClose(Double(out.nep[i]), 392.614889))
            if i % 2 == 0 {
                #expect(isClose(Double(out.agb[i]), 228.355848))
                #expect(isClose(Double(out.carbon[i]), 228.085788))
            } else {
                #expect(isClose(Double(out.agb[i]), 127.659574))
                #expect(isClose(Double(out.carbon[i]), 169))
            }
        }
    }
}
