import SinkmapGrid
import SinkmapScene

/// One GDAL request per input source and tile: the bands of a file that the scene uses
/// (e.g. the 12 months of a climate file) are read together, so a warped VRT warps each
/// of its blocks once for all bands instead of once per band.
public struct ReadGroup: Sendable {
    /// The plane of the tile's buffers a band is read into.
    public enum Target: Sendable, Equatable {
        case landcover, canopy, dtm
        case ndvi(Int), red(Int), temperature(Int), precipitation(Int), radiation(Int)

        /// (buffer, plane within it): consecutive planes of one buffer can be read in one go.
        var slot: (buffer: Int, plane: Int) {
            switch self {
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
    }
    public var rasters: [AlignedRaster]
    public var targets: [Target]

    /// Whether the targets are consecutive planes of one buffer (e.g. temperature months
    /// 0...11 from bands 1...12), so GDAL can read straight into them.
    public var consecutive: Bool {
        let first = targets[0].slot
        return targets.enumerated().allSatisfy { i, t in t.slot == (first.buffer, first.plane + i) }
    }

    /// The scene's inputs grouped by source, in the order first met.
    public static func plan(for scene: PreparedScene) -> [ReadGroup] {
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
            if let i = index[r.key] {
                groups[i].rasters.append(r)
                groups[i].targets.append(t)
            } else {
                index[r.key] = groups.count
                groups.append(ReadGroup(rasters: [r], targets: [t]))
            }
        }
        return groups
    }
}
