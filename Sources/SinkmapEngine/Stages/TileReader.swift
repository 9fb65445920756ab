import GDALKit
import SinkmapGrid
import SinkmapScene

/// Stage 1 of a tile: every input of the scene over a window of the grid, as physical
/// Float32 planes (NaN = nodata). One per worker thread: it opens its own GDAL handles
/// (a handle is never shared between threads) and allocates its planes once, sized for
/// the largest tile, so nothing is allocated per tile.
public final class TileReader {
    public let capacity: Int
    let scene: PreparedScene
    let plan: [ReadGroup]
    private var handles: [String: Dataset] = [:]

    /// The planes of the last tile read (`capacity` values each; monthly ones 12 × capacity).
    public let landcover, canopy: UnsafeMutablePointer<Float>
    public let ndvi, temperature, precipitation, radiation: UnsafeMutablePointer<Float>
    /// Whether `canopy` holds a canopy height (CHM, or DSM − DTM).
    public let hasCanopy: Bool
    /// DTM planes (only for DSM − DTM).
    let dtm: UnsafeMutablePointer<Float>
    /// Red planes of periods given as red and NIR (nil when none is).
    let red: UnsafeMutablePointer<Float>?
    /// Planes for a read group whose targets are not consecutive (nil when none needs it).
    let groupScratch: UnsafeMutablePointer<Float>?

    public init(scene: PreparedScene, capacity: Int) {
        self.scene = scene
        self.capacity = capacity
        plan = ReadGroup.plan(for: scene)
        landcover = .allocate(capacity: capacity)
        canopy = .allocate(capacity: capacity)
        dtm = .allocate(capacity: capacity)
        ndvi = .allocate(capacity: 12 * capacity)
        temperature = .allocate(capacity: 12 * capacity)
        precipitation = .allocate(capacity: 12 * capacity)
        radiation = .allocate(capacity: 12 * capacity)
        hasCanopy = scene.canopy != nil
        let usesRedNir = scene.ndvi.contains { if case .redNir = $0 { return true } else { return false } }
        red = usesRedNir ? .allocate(capacity: 12 * capacity) : nil
        let scattered = plan.filter { !$0.consecutive }.map(\.rasters.count).max()
        groupScratch = scattered.map { .allocate(capacity: $0 * capacity) }
    }

    deinit {
        for p in [landcover, canopy, dtm, ndvi, temperature, precipitation, radiation] { p.deallocate() }
        red?.deallocate()
        groupScratch?.deallocate()
    }

    /// Reads every input over `w` into the planes; derives NDVI from red/NIR and the canopy
    /// height from DSM − DTM where the scene asks for them.
    public func read(_ w: Window) throws {
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
        if case .dsmDtm? = scene.canopy { Bands.subtract(canopy, dtm, count: n) }
    }

    /// This thread's handle for an input source (opened on first use).
    func dataset(_ r: AlignedRaster) throws -> Dataset {
        if let d = handles[r.key] { return d }
        let d = try r.open()
        handles[r.key] = d
        return d
    }

    /// Where a plane of the read plan goes.
    func pointer(_ t: ReadGroup.Target, _ n: Int) -> UnsafeMutablePointer<Float> {
        switch t {
        case .landcover: return landcover
        case .ndvi(let m): return ndvi + m * n
        case .red(let m): return red! + m * n
        case .temperature(let m): return temperature + m * n
        case .precipitation(let m): return precipitation + m * n
        case .radiation(let m): return radiation + m * n
        case .canopy: return canopy
        case .dtm: return dtm
        }
    }
}
