import GDALKit
import SinkmapGrid
import SinkmapKernels
import SinkmapScene
import SinkmapAccounting

/// Stage 4b of a tile, when the scene has a scenario: the alternative land cover over the
/// tile, classified like the base, and the planes the scenario's sums are built from. A pixel
/// whose class is unchanged keeps its base NPP, Rh and carbon; a converted pixel gets the table
/// pools of its new class (its lidar height belongs to the old cover) and no flux here: its NPP
/// and Rh come from the base means of its new class in its unit (`Scenario`), once known.
/// One per worker, with its own handle.
final class ScenarioTile {
    let raster: AlignedRaster
    let lookup: CodeLookup
    /// C_above + C_below + c_soil + c_dead of each class, as the kernel stores table pools.
    let pools: [Float]
    private var dataset: Dataset?
    let codes: UnsafeMutablePointer<Float>
    let altClass: UnsafeMutablePointer<Int32>
    let npp, rh, carbon: UnsafeMutablePointer<Float>

    init(raster: AlignedRaster, table: ParameterTable, capacity: Int) {
        self.raster = raster
        lookup = CodeLookup(table: table)
        pools = table.classes.map { Float($0.cAbove + $0.cBelow + $0.cSoil + $0.cDead) }
        codes = .allocate(capacity: capacity)
        altClass = .allocate(capacity: capacity)
        npp = .allocate(capacity: capacity)
        rh = .allocate(capacity: capacity)
        carbon = .allocate(capacity: capacity)
    }

    deinit {
        for p in [codes, npp, rh, carbon] { p.deallocate() }
        altClass.deallocate()
    }

    /// Reads and classifies the alternative land cover over `w` (its nodata and unknown codes
    /// counted in `leftOut`) and fills the scenario's planes from the base ones.
    func prepare(_ w: Window, baseClass: UnsafePointer<Int32>, base: TileOutputs, leftOut: inout LeftOut) throws {
        let n = w.pixelCount
        if dataset == nil { dataset = try raster.open() }
        try raster.read(w, from: dataset!, into: codes)
        leftOut.invalidInputValues += Bands.invalidToNaN(codes, count: n)
        lookup.classify(codes, count: n, into: altClass, leftOut: &leftOut)
        pools.withUnsafeBufferPointer { pools in
            for i in 0..<n {
                let a = altClass[i]
                if a == baseClass[i] {
                    npp[i] = base.npp[i]
                    rh[i] = base.rh[i]
                    carbon[i] = base.carbon[i]
                } else {
                    npp[i] = .nan
                    rh[i] = .nan
                    carbon[i] = a >= 0 ? pools[Int(a)] : .nan
                }
            }
        }
    }
}
