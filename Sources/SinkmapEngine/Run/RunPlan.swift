import Foundation
import GDALKit
import SinkmapGrid
import SinkmapKernels
import SinkmapScene
import SinkmapAccounting
import SinkmapSchedule
import SinkmapZones

/// What a run of a scene is cut into, fixed before any pixel is read: the tiles (a pure
/// function of the grid and the tile size), the slot layout of the totals and the true
/// area of a pixel in each row. Shards of a run share the plan.
public struct RunPlan: Sendable {
    public let scene: PreparedScene
    public let tileSize: Int
    public let tiles: [Window]
    public let layout: SlotLayout
    /// Area of a pixel of each grid row, m².
    public let rowArea: [Double]
    /// The kNN reference plots of `models: {agb: knn}` (nil for the allometry).
    public let agbKNN: NearestNeighbours?

    /// The scene's field plots as read and checked by the caller (`run`) or, for the kNN model,
    /// here; nil when neither needed them yet (a shard or a merge of the allometric model, whose
    /// `estimates.csv` reads them when it is written). The kNN reference and `estimates.csv` use
    /// these, so a run reads its plots once.
    public let plots: [FieldPlot]?

    /// - Parameters:
    ///   - tileSize: nil for `Tiling.defaultTileSize` of the land cover's block size.
    ///   - plots: the scene's plots when the caller has read them (`Estimates.plots`); nil to read
    ///     them here only if the kNN model needs them.
    public init(_ scene: PreparedScene, tileSize: Int?, plots: [FieldPlot]? = nil) throws {
        self.scene = scene
        let grid = scene.grid
        if let tileSize {
            self.tileSize = tileSize
        } else {
            // The land cover's block size sets the default; a file that cannot be read here is
            // an error, not a silently different tile size.
            let block = try scene.landcover.open().bandInfo(scene.landcover.band)
            self.tileSize = Tiling.defaultTileSize(blockWidth: block.blockWidth, blockHeight: block.blockHeight)
        }
        tiles = Tiling.tiles(of: grid, tileSize: self.tileSize)
        layout = SlotLayout(units: scene.zones.finestCount)
        let srs = try SpatialReference(definition: grid.crsWKT)
        rowArea = PixelArea(grid: grid, isGeographic: scene.isGeographic, semiMajor: scene.ellipsoid.semiMajor,
                            inverseFlattening: scene.ellipsoid.inverseFlattening,
                            linearUnitMetres: scene.isGeographic ? 1 : srs.linearUnitMetres).rowArea
        if case .knn = scene.scene.options.agb {
            let read = try plots ?? Estimates.plots(scene)
            self.plots = read
            agbKNN = try AGBImputation.reference(scene, plots: read)
        } else {
            self.plots = plots
            agbKNN = nil
        }
    }

    /// What identifies the plan in its partials: grid size, geotransform, a digest of the
    /// CRS, the tile size and the slot layout.
    public var key: String {
        let g = scene.grid
        var h: UInt64 = 0xcbf29ce484222325  // FNV-1a of the CRS's WKT
        for b in g.crsWKT.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let gt = g.transform.gdal.map { "\($0)" }.joined(separator: ",")
        return "\(g.width)x\(g.height) [\(gt)] crs \(String(h, radix: 16)) tile \(tileSize) units \(layout.units) ecosystems \(layout.ecosystems)"
    }

    /// Pixels of the largest tile (what a worker's buffers hold).
    public var capacity: Int { tiles.map(\.pixelCount).max() ?? 0 }

    /// Worker threads that actually run for `requested` threads and `tileCount` tiles
    /// (`TileQueue.workers`: no more than the tiles, nor than the processors).
    public static func threads(_ requested: Int, tileCount: Int,
                               cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        Workers.count(requested, items: tileCount, cores: cores)
    }

    /// Bytes of tile buffers one worker allocates (its reader, kernel and accumulator planes).
    public var bufferBytesPerWorker: Int {
        let usesRedNir = scene.ndvi.contains { if case .redNir = $0 { return true } else { return false } }
        let floatPlanes = 4 * 12 + (usesRedNir ? 12 : 0) + 3 + 12 + 5  // monthly, red, lc/canopy/dtm, group scratch, outputs
        let lattices = Set(scene.bandsUsed.compactMap { ($0.raster.source as? BilinearSource)?.latticeID })
        // The own average reads its source window into the scratch's one values buffer: the
        // largest request (all the bands used of one source) sets its size.
        let averaged = scene.bandsUsed.compactMap { b in (b.raster.source as? AverageSource).map { (b.raster.key, $0) } }
        let bandsBySource = Dictionary(grouping: averaged, by: \.0).mapValues(\.count)
        let averageValues = averaged.map { bandsBySource[$0.0, default: 1] * $0.1.sourceBytesPerPixel }.max() ?? 0
        return capacity * (floatPlanes * 4 + 4 + 4 + 1                  // + class index, zone, red line
                           + lattices.count * BilinearSource.scratchBytesPerPixel  // the resampler's weights
                           + averageValues)
    }

    /// What a run with `threads` workers needs beyond its inputs' metadata: the workers' tile
    /// buffers and GDAL's block cache (64 MiB).
    public func memoryEstimate(threads: Int) -> Int { threads * bufferBytesPerWorker + 64 << 20 }
}
