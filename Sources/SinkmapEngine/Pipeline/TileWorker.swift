import GDALKit
import SinkmapKernels
import SinkmapScene

/// Output nodata value declared on every output raster.
public let outputNodata: Float = -9999

/// One worker thread's state: its own GDAL handles (a handle is never shared between
/// threads) and tile buffers allocated once, sized for the largest tile.
final class TileWorker {
    let scene: PreparedScene
    let classes: PreparedClasses
    let codeLookup: CodeLookup
    let classEcosystem: [Int32]
    let zoneRasters: ZoneRasters
    let rowArea: [Double]
    let capacity: Int

    private var handles: [String: Dataset] = [:]
    var accumulator: ZonalAccumulator

    // Buffers (capacity pixels each; monthly planes 12 × capacity).
    let landcover, scratch, canopy: UnsafeMutablePointer<Float>
    let ndvi, temperature, precipitation, radiation: UnsafeMutablePointer<Float>
    /// Red planes of periods given as red and NIR (nil when none is).
    let red: UnsafeMutablePointer<Float>?
    /// Planes for a read group whose targets are not consecutive (nil when none needs it).
    let groupScratch: UnsafeMutablePointer<Float>?
    let plan: [ReadGroup]
    let classIndex: UnsafeMutablePointer<Int32>
    let zone: UnsafeMutablePointer<UInt32>
    let redline: UnsafeMutablePointer<UInt8>
    /// npp, rh, nep, agb, carbon: 5 consecutive planes.
    let outputs: UnsafeMutablePointer<Float>

    init(scene: PreparedScene, classes: PreparedClasses, codeLookup: CodeLookup, zoneRasters: ZoneRasters,
         rowArea: [Double], capacity: Int) {
        self.scene = scene
        self.classes = classes
        self.codeLookup = codeLookup
        self.classEcosystem = scene.table.classes.map { Int32(Ecosystem.allCases.firstIndex(of: $0.ecosystem)!) }
        self.zoneRasters = zoneRasters
        self.rowArea = rowArea
        self.capacity = capacity
        accumulator = ZonalAccumulator(unitCount: scene.zones.finestCount)
        landcover = .allocate(capacity: capacity)
        scratch = .allocate(capacity: capacity)
        canopy = .allocate(capacity: capacity)
        ndvi = .allocate(capacity: 12 * capacity)
        temperature = .allocate(capacity: 12 * capacity)
        precipitation = .allocate(capacity: 12 * capacity)
        radiation = .allocate(capacity: 12 * capacity)
        plan = ReadGroup.plan(for: scene)
        let usesRedNir = scene.ndvi.contains { if case .redNir = $0 { return true } else { return false } }
        red = usesRedNir ? .allocate(capacity: 12 * capacity) : nil
        let scattered = plan.filter { !$0.consecutive }.map(\.rasters.count).max()
        groupScratch = scattered.map { .allocate(capacity: $0 * capacity) }
        classIndex = .allocate(capacity: capacity)
        zone = .allocate(capacity: capacity)
        redline = .allocate(capacity: capacity)
        outputs = .allocate(capacity: 5 * capacity)
    }

    deinit {
        for p in [landcover, scratch, canopy, ndvi, temperature, precipitation, radiation, outputs] { p.deallocate() }
        red?.deallocate()
        groupScratch?.deallocate()
        classIndex.deallocate()
        zone.deallocate()
        redline.deallocate()
    }

    /// This thread's handle for an input (opened on first use).
    func dataset(_ r: AlignedRaster) throws -> Dataset {
        if let d = handles[r.openString] { return d }
        let d = try r.open()
        handles[r.openString] = d
        return d
    }

    func dataset(path: String) throws -> Dataset {
        if let d = handles[path] { return d }
        let d = try Dataset(path: path)
        handles[path] = d
        return d
    }

    /// Where a plane of the read plan goes in this worker's buffers.
    func pointer(_ t: ReadGroup.Target, _ n: Int) -> UnsafeMutablePointer<Float> {
        switch t {
        case .landcover: return landcover
        case .ndvi(let m): return ndvi + m * n
        case .red(let m): return red! + m * n
        case .temperature(let m): return temperature + m * n
        case .precipitation(let m): return precipitation + m * n
        case .radiation(let m): return radiation + m * n
        case .canopy: return canopy
        case .dtm: return scratch
        }
    }

    /// Reads every input of a tile, runs the kernels and accumulates the zonal partials.
    /// Leaves the five output planes in `outputs` with the output nodata value.
    /// With `runKernels` false (the benchmark's I/O floor) it only reads the inputs.
    func compute(_ w: Window, runKernels: Bool = true) throws {
        let n = w.pixelCount
        precondition(n <= capacity)
        for group in plan {
            let ds = try dataset(group.rasters[0])
            if group.consecutive {
                try AlignedRaster.read(group.rasters, w, from: ds, into: pointer(group.targets[0], n))
            } else {
                try AlignedRaster.read(group.rasters, w, from: ds, into: groupScratch!)
                for (i, t) in group.targets.enumerated() { pointer(t, n).update(from: groupScratch! + i * n, count: n) }
            }
        }
        for m in 0..<12 {
            if case .redNir = scene.ndvi[m] { Bands.normalizedDifference(nir: ndvi + m * n, red: red! + m * n, count: n) }
        }
        var hasCanopy = false
        switch scene.canopy {
        case .chm?: hasCanopy = true
        case .dsmDtm?:
            Bands.subtract(canopy, scratch, count: n)
            hasCanopy = true
        case nil: break
        }
        try dataset(path: zoneRasters.zonesPath).readRaw(band: 1, window: w, type: .uint32, into: zone)
        if let red = zoneRasters.redlinePath {
            try dataset(path: red).readRaw(band: 1, window: w, type: .byte, into: redline)
        }

        codeLookup.classify(landcover, count: n, into: classIndex, leftOut: &accumulator.leftOut)
        if runKernels {
            let input = TileInputs(count: n, classIndex: classIndex, ndvi: ndvi, temperature: temperature,
                                   precipitation: precipitation, radiation: radiation,
                                   canopyHeight: hasCanopy ? UnsafePointer(canopy) : nil)
            let output = TileOutputs(npp: outputs, rh: outputs + n, nep: outputs + 2 * n, agb: outputs + 3 * n, carbon: outputs + 4 * n)
            CarbonKernels.run(input, output, classes: classes)
            accumulator.leftOut.negativePrecipitation += Bands.countNegative(precipitation, count: n, months: 12, classIndex: classIndex)
        } else {
            // Benchmark I/O floor: no science and no accumulation; the caller fills the outputs.
            return
        }
        classEcosystem.withUnsafeBufferPointer { eco in
            rowArea.withUnsafeBufferPointer { area in
                accumulator.add(width: w.width, rows: w.height, row0: w.row, rowArea: area.baseAddress!,
                                classIndex: classIndex, classEcosystem: eco.baseAddress!, zone: zone,
                                redline: zoneRasters.redlinePath == nil ? nil : UnsafePointer(redline),
                                npp: outputs, rh: outputs + n, nep: outputs + 2 * n, carbon: outputs + 4 * n)
            }
        }
        RasterValues.nanToNodata(outputs, count: 5 * n, nodata: outputNodata)
    }
}

/// Land-cover code → class index, through a dense table for codes 0..<65536.
struct CodeLookup: Sendable {
    let dense: [Int32]
    let sparse: [Int: Int32]

    init(table: ParameterTable) {
        var d = [Int32](repeating: -1, count: 65536)
        var s: [Int: Int32] = [:]
        for (i, c) in table.classes.enumerated() {
            if (0..<65536).contains(c.code) { d[c.code] = Int32(i) } else { s[c.code] = Int32(i) }
        }
        dense = d
        sparse = s
    }

    /// Fills `classIndex` (−1 = not computed) and counts nodata and unknown codes.
    func classify(_ codes: UnsafePointer<Float>, count: Int, into classIndex: UnsafeMutablePointer<Int32>, leftOut: inout LeftOut) {
        var nodata: Int64 = 0
        var unknown: [Int: Int64] = [:]
        dense.withUnsafeBufferPointer { table in
            for i in 0..<count {
                let v = codes[i]
                if v.isNaN { classIndex[i] = -1; nodata += 1; continue }
                // An undeclared fill value (±inf, −3.4e38, ...) is an unknown code, not a crash.
                guard v.isFinite, abs(v) < 2_147_483_648 else {
                    classIndex[i] = -1
                    unknown[v < 0 ? Int(Int32.min) : Int(Int32.max), default: 0] += 1
                    continue
                }
                let code = Int(v.rounded())
                let k: Int32 = (code >= 0 && code < 65536) ? table[code] : (sparse[code] ?? -1)
                classIndex[i] = k
                if k < 0 { unknown[code, default: 0] += 1 }
            }
        }
        leftOut.landcoverNodata += nodata
        for (c, n) in unknown { leftOut.unknownCodes[c, default: 0] += n }
    }
}

/// Small band arithmetic used while reading.
enum Bands {
    /// In place on `nir`: (nir − red) / (nir + red), NaN where nir + red = 0 or either is NaN.
    static func normalizedDifference(nir: UnsafeMutablePointer<Float>, red: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let s = nir[i] + red[i]
            nir[i] = s == 0 ? .nan : (nir[i] - red[i]) / s
        }
    }

    /// In place: a − b.
    static func subtract(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { a[i] -= b[i] }
    }

    /// Computed pixels with a negative precipitation in any month (bad input, left as nodata).
    static func countNegative(_ p: UnsafePointer<Float>, count: Int, months: Int, classIndex: UnsafePointer<Int32>) -> Int64 {
        var n: Int64 = 0
        for i in 0..<count where classIndex[i] >= 0 {
            for m in 0..<months where p[m * count + i] < 0 {
                n += 1
                break
            }
        }
        return n
    }
}

extension TileWorker {
    /// Benchmark I/O floor: fills the five output planes with input values of the tile
    /// (July NDVI, temperature, precipitation, radiation, land cover) so the encoder
    /// compresses data of realistic entropy instead of constants.
    func fillWithInputs(_ w: Window) {
        let n = w.pixelCount
        let sources: [UnsafeMutablePointer<Float>] = [ndvi + 6 * n, temperature + 6 * n, precipitation + 6 * n, radiation + 6 * n, landcover]
        for (b, s) in sources.enumerated() {
            (outputs + b * n).update(from: s, count: n)
        }
        RasterValues.nanToNodata(outputs, count: 5 * n, nodata: outputNodata)
    }
}

/// One GDAL request per input file and tile: the bands of a file that the scene uses
/// (e.g. the 12 months of a climate file) are read together, so a warped VRT warps each
/// of its blocks once for all bands instead of once per band.
struct ReadGroup: Sendable {
    enum Target: Sendable, Equatable {
        case landcover, canopy, dtm
        case ndvi(Int), red(Int), temperature(Int), precipitation(Int), radiation(Int)
    }
    var rasters: [AlignedRaster]
    var targets: [Target]

    /// Whether the targets are consecutive planes of one buffer (e.g. temperature months
    /// 0...11 from bands 1...12), so GDAL can read straight into them.
    var consecutive: Bool {
        func slot(_ t: Target) -> (Int, Int) {
            switch t {
            case .landcover: return (0, 0)
            case .canopy: return (1, 0)
            case .dtm: return (2, 0)
            case .ndvi(let m): return (3, m)
            case .red(let m): return (4, m)
            case .temperature(let m): return (5, m)
            case .precipitation(let m): return (6, m)
            case .radiation(let m): return (7, m)
            }
        }
        let first = slot(targets[0])
        return targets.enumerated().allSatisfy { i, t in slot(t) == (first.0, first.1 + i) }
    }

    static func plan(for scene: PreparedScene) -> [ReadGroup] {
        var entries: [(AlignedRaster, Target)] = [(scene.landcover, .landcover)]
        for m in 0..<12 {
            switch scene.ndvi[m] {
            case .ndvi(let r): entries.append((r, .ndvi(m)))
            case .redNir(let red, let nir): entries += [(red, .red(m)), (nir, .ndvi(m))]
            }
            entries += [(scene.temperature[m], .temperature(m)), (scene.precipitation[m], .precipitation(m)),
                        (scene.radiation[m], .radiation(m))]
        }
        switch scene.canopy {
        case .chm(let r)?: entries.append((r, .canopy))
        case .dsmDtm(let dsm, let dtm)?: entries += [(dsm, .canopy), (dtm, .dtm)]
        case nil: break
        }
        var groups: [ReadGroup] = []
        var index: [String: Int] = [:]
        for (r, t) in entries {
            if let i = index[r.openString] {
                groups[i].rasters.append(r)
                groups[i].targets.append(t)
            } else {
                index[r.openString] = groups.count
                groups.append(ReadGroup(rasters: [r], targets: [t]))
            }
        }
        return groups
    }
}
