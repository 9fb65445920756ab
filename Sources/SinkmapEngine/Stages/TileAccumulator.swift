import GDALKit
import SinkmapKernels
import SinkmapScene
import SinkmapAccounting
import SinkmapZones

/// Stage 4 of a tile: the kernel's outputs added into the exact zonal partials, each
/// pixel keyed by its finest unit (from the burnt zone raster), its ecosystem and the red
/// line. One per worker, with its own handles on the zone rasters and its own partials.
public final class TileAccumulator {
    public let capacity: Int
    let zoneRasters: ZoneRasters
    let rowArea: [Double]
    let classEcosystem: [Int32]
    /// Per class: whether it has a lidar allometry (for the class sums).
    let hasAllometry: [Bool]
    private var zonesDataset, redlineDataset: Dataset?
    let zone: UnsafeMutablePointer<UInt32>
    /// The red-line share of each pixel (read as 0/1/partial mark, then turned into weights).
    let redline: UnsafeMutablePointer<UInt32>
    /// Boundary pixels' shares of the tile (reused).
    var shares: [ZonalAccumulator.Share] = []
    public private(set) var partials: ZonalAccumulator
    /// The scenario's stage, when the scene has one.
    let scenario: ScenarioTile?

    public init(scene: PreparedScene, layout: SlotLayout, zoneRasters: ZoneRasters, rowArea: [Double], capacity: Int) {
        self.capacity = capacity
        self.zoneRasters = zoneRasters
        self.rowArea = rowArea
        classEcosystem = scene.table.classes.map { Int32(Ecosystem.allCases.firstIndex(of: $0.ecosystem)!) }
        hasAllometry = scene.table.classes.map { $0.agbA != nil && $0.agbB != nil }
        zone = .allocate(capacity: capacity)
        redline = .allocate(capacity: capacity)
        partials = ZonalAccumulator(layout: layout, classes: scene.classSumCount, scenario: scene.scenarioLandcover != nil)
        scenario = scene.scenarioLandcover.map { ScenarioTile(raster: $0, table: scene.table, capacity: capacity) }
    }

    /// Calls `body(tile pixel, item, weight)` for each partial entry inside window `w`.
    func forEachPartial(_ p: ZoneCoverage.Partial, in w: Window, _ body: (Int, UInt32, UInt32) -> Void) {
        guard !p.cells.isEmpty else { return }
        let gridWidth = zoneRasters.gridWidth
        for r in 0..<w.height {
            let start = (w.row + r) * gridWidth + w.col
            for k in p.range(start, start + w.width) { body(r * w.width + (p.cells[k] - start), p.units[k], p.weights[k]) }
        }
    }

    deinit {
        zone.deallocate()
        redline.deallocate()
    }

    /// Left-out counts of the stages before (classification, kernels) go here too.
    public var leftOut: LeftOut {
        get { partials.leftOut }
        set { partials.leftOut = newValue }
    }

    /// Adds the tile `w` whose class indices and (NaN-as-nodata) outputs `kernel` holds;
    /// `canopy`: the tile's canopy height, when the scene has one (the class sums need it).
    public func add(_ w: Window, _ kernel: TileKernel, canopy: UnsafePointer<Float>? = nil) throws {
        let n = w.pixelCount
        precondition(n <= capacity)
        if zonesDataset == nil { zonesDataset = try Dataset(path: zoneRasters.zonesPath) }
        // The zone rasters may hold only a shard's rows, from `rowOffset` on.
        let local = Window(col: w.col, row: w.row - zoneRasters.rowOffset, width: w.width, height: w.height)
        try zonesDataset!.readRaw(band: 1, window: local, type: .uint32, into: zone)
        if let path = zoneRasters.redlinePath {
            if redlineDataset == nil { redlineDataset = try Dataset(path: path) }
            try redlineDataset!.readRaw(band: 1, window: local, type: .uint32, into: redline)
            for i in 0..<n { redline[i] = redline[i] == 1 ? ZoneCoverage.one : 0 }
            forEachPartial(zoneRasters.redlinePartial, in: w) { i, _, weight in redline[i] += weight }
        }
        shares.removeAll(keepingCapacity: true)
        forEachPartial(zoneRasters.zonePartial, in: w) { i, unit, weight in
            shares.append(ZonalAccumulator.Share(pixel: Int32(i), unit: unit, weight: weight))
        }
        let out = kernel.plane(count: n)
        if let scenario {
            var lo = partials.scenario!.leftOut
            try scenario.prepare(w, baseClass: kernel.classIndex, base: out, leftOut: &lo)
            partials.scenario!.leftOut = lo
        }
        let hasRedline = zoneRasters.redlinePath != nil
        classEcosystem.withUnsafeBufferPointer { eco in
            hasAllometry.withUnsafeBufferPointer { allometry in
            rowArea.withUnsafeBufferPointer { area in
                shares.withUnsafeBufferPointer { shares in
                partials.add(width: w.width, rows: w.height, row0: w.row, rowArea: area.baseAddress!,
                             classIndex: kernel.classIndex, classEcosystem: eco.baseAddress!, zone: zone, shares: shares,
                             redline: hasRedline ? UnsafePointer(redline) : nil,
                             npp: out.npp, rh: out.rh, carbon: out.carbon,
                             canopy: canopy, hasAllometry: allometry.baseAddress)
                if let scenario {
                    partials.addScenario(width: w.width, rows: w.height, row0: w.row, rowArea: area.baseAddress!,
                                         baseClass: kernel.classIndex, altClass: scenario.altClass, classEcosystem: eco.baseAddress!,
                                         zone: zone, shares: shares, redline: hasRedline ? UnsafePointer(redline) : nil,
                                         npp: scenario.npp, rh: scenario.rh, carbon: scenario.carbon)
                }
                }
            }
            }
        }
    }
}

extension PreparedScene {
    /// Classes the per (unit, class) sums keep: all of the table's when the scene asks for
    /// uncertainty, else none.
    public var classSumCount: Int { parameterSD == nil && scenarioLandcover == nil ? 0 : table.classes.count }
}
