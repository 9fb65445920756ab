import GDALKit
import SinkmapKernels
import SinkmapScene

/// Stage 4 of a tile: the kernel's outputs added into the exact zonal partials, each
/// pixel keyed by its finest unit (from the burnt zone raster), its ecosystem and the red
/// line. One per worker, with its own handles on the zone rasters and its own partials.
public final class TileAccumulator {
    public let capacity: Int
    let zoneRasters: ZoneRasters
    let rowArea: [Double]
    let classEcosystem: [Int32]
    private var zonesDataset, redlineDataset: Dataset?
    let zone: UnsafeMutablePointer<UInt32>
    let redline: UnsafeMutablePointer<UInt8>
    public private(set) var partials: ZonalAccumulator

    public init(scene: PreparedScene, layout: SlotLayout, zoneRasters: ZoneRasters, rowArea: [Double], capacity: Int) {
        self.capacity = capacity
        self.zoneRasters = zoneRasters
        self.rowArea = rowArea
        classEcosystem = scene.table.classes.map { Int32(Ecosystem.allCases.firstIndex(of: $0.ecosystem)!) }
        zone = .allocate(capacity: capacity)
        redline = .allocate(capacity: capacity)
        partials = ZonalAccumulator(layout: layout)
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

    /// Adds the tile `w` whose class indices and (NaN-as-nodata) outputs `kernel` holds.
    public func add(_ w: Window, _ kernel: TileKernel) throws {
        let n = w.pixelCount
        precondition(n <= capacity)
        if zonesDataset == nil { zonesDataset = try Dataset(path: zoneRasters.zonesPath) }
        try zonesDataset!.readRaw(band: 1, window: w, type: .uint32, into: zone)
        if let path = zoneRasters.redlinePath {
            if redlineDataset == nil { redlineDataset = try Dataset(path: path) }
            try redlineDataset!.readRaw(band: 1, window: w, type: .byte, into: redline)
        }
        let out = kernel.plane(count: n)
        let hasRedline = zoneRasters.redlinePath != nil
        classEcosystem.withUnsafeBufferPointer { eco in
            rowArea.withUnsafeBufferPointer { area in
                partials.add(width: w.width, rows: w.height, row0: w.row, rowArea: area.baseAddress!,
                             classIndex: kernel.classIndex, classEcosystem: eco.baseAddress!, zone: zone,
                             redline: hasRedline ? UnsafePointer(redline) : nil,
                             npp: out.npp, rh: out.rh, carbon: out.carbon)
            }
        }
    }
}
