import Foundation
import SinkmapBase
import GDALKit
import SinkmapScene

/// The output grid of a composite: `--like`'s, a scene's (`--grid SCENE.yaml`: its `grid:`
/// block, read without opening the scene's other inputs, which may be the composite to come),
/// or the first acquisition's red band's.
enum CompositeGrid {
    static func resolve(like: String?, scene: String?, first: Acquisition) throws -> Grid {
        if let like { return try Dataset(path: like).grid() }
        guard let scene else { return try Dataset(path: first.red).grid() }
        let s = try SceneParser.load(path: scene)
        switch s.grid {
        case .explicit(let crs, let res, let b):
            let g = Grid(crsWKT: try SpatialReference(definition: crs).wkt, resolution: res, bounds: (b[0], b[1], b[2], b[3]))
            guard g.width > 0, g.height > 0, g.width < 1_000_000, g.height < 1_000_000 else {
                throw Refusal("\(scene): grid: \(g.width) × \(g.height) pixels is not a usable grid")
            }
            return g
        case .reference(let name):
            let ref: RasterRef
            switch name {
            case "landcover": ref = s.landcover
            case "canopy_height":
                guard case .chm(let r)? = s.canopy else {
                    throw Refusal("\(scene): grid.reference: canopy_height is not a single raster in this scene")
                }
                ref = r
            default: ref = RasterRef(path: name)
            }
            return try Dataset(path: s.resolve(ref.path)).grid()
        }
    }
}
