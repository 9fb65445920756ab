import GDALKit
import SinkmapGrid
import SinkmapScene
import SinkmapAccounting

/// Stage 1 of a tile: every input of the scene over a window of the grid, as physical
/// Float32 planes (NaN = nodata). One per worker thread: it opens its own GDAL handles
/// (a handle is never shared between threads) and allocates its planes once, sized for
/// the largest tile, so nothing is allocated per tile.
public final class TileReader {
    public let capacity: Int
    let scene: PreparedScene
    let plan: [ReadGroup]
    private var handles: [String: Dataset] = [:]
    /// This worker's state between reads (the resampler's weights and buffers).
    private let scratch = ReadScratch()

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

    /// NDVI given directly may exceed ±1 by this much (rounding of a scale factor) before the
    /// input is refused as not an NDVI.
    static let ndviSlack: Float = 1e-3

    /// Reads every input over `w` into the planes; derives NDVI from red/NIR and the canopy
    /// height from DSM − DTM where the scene asks for them. Non-finite values and values
    /// beyond ±1e30 (undeclared fills) become nodata, counted in `leftOut`. Throws
    /// `InputRefused` for an NDVI outside [−1, 1] after scale/offset (a forgotten scale
    /// factor) or a land cover with fractional codes.
    public func read(_ w: Window, leftOut: inout LeftOut) throws {
        let n = w.pixelCount
        precondition(n <= capacity)
        for group in plan {
            let ds = try dataset(group.rasters[0])
            if group.consecutive {
                try AlignedRaster.read(group.rasters, w, from: ds, scratch: scratch, into: pointer(group.targets[0], n))
            } else {
                try AlignedRaster.read(group.rasters, w, from: ds, scratch: scratch, into: groupScratch!)
                for (i, t) in group.targets.enumerated() { pointer(t, n).update(from: groupScratch! + i * n, count: n) }
            }
            for (r, t) in zip(group.rasters, group.targets) {
                let plane = pointer(t, n)
                leftOut.invalidInputValues += Bands.invalidToNaN(plane, count: n)
                try check(plane, n, r, t)
            }
        }
        for m in 0..<12 {
            if case .redNir = scene.ndvi[m] { Bands.normalizedDifference(nir: ndvi + m * n, red: red! + m * n, count: n) }
        }
        if case .dsmDtm? = scene.canopy { Bands.subtract(canopy, dtm, count: n) }
    }

    /// Plausibility of a plane just read: what a direct NDVI and the land cover must be.
    func check(_ plane: UnsafePointer<Float>, _ n: Int, _ r: AlignedRaster, _ t: ReadGroup.Target) throws {
        switch t {
        case .ndvi(let m):
            guard case .ndvi = scene.ndvi[m] else { return }  // NIR of a red/NIR pair: any reflectance
            let limit = 1 + TileReader.ndviSlack
            if let v = Bands.firstOutside(plane, count: n, -limit, limit) {
                throw InputRefused(path: r.path, band: r.band, message: "NDVI value \(v) (after scale \(r.scale), offset \(r.offset)) is outside [-1, 1]; is a scale factor missing (e.g. scale: 0.0001)?")
            }
        case .landcover:
            if let v = Bands.firstFractional(plane, count: n) {
                throw InputRefused(path: r.path, band: r.band, message: "land-cover value \(v) is not a whole number; the land cover must hold class codes")
            }
        default: return
        }
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
