import Foundation
import GDALKit
import SinkmapGrid
import SinkmapKernels

/// Checks everything `run` needs and returns it prepared: files exist and open, bands
/// exist, CRSs transform, inputs overlap the grid, the parameter table has its columns,
/// the zone layer has its fields. Reads metadata and attributes, no pixels.
public enum SceneValidator {
    public static func prepare(_ scene: Scene) throws -> PreparedScene {
        let v = Run(scene: scene)
        return try v.prepare()
    }

    final class Run {
        let scene: Scene
        let shown: String
        let aligner = Aligner()
        var inputs: [InputFile] = []

        init(scene: Scene) {
            self.scene = scene
            shown = scene.file.split(separator: "/").last.map(String.init) ?? scene.file
        }

        func error(_ field: String, _ message: String) -> SceneError {
            SceneError(file: shown, field: field, message: message)
        }

        /// The absolute path of a scene path, checked to exist.
        func existing(_ path: String, _ field: String) throws -> String {
            let abs = scene.resolve(path)
            if !abs.hasPrefix("/vsi") && !FileManager.default.fileExists(atPath: abs) {
                throw error(field, "\(path): no such file")
            }
            return abs
        }

        func note(_ role: String, _ path: String) {
            if !inputs.contains(where: { $0.path == path }) { inputs.append(InputFile(role: role, path: path)) }
        }

        /// Runs a GDAL step, turning its error into one naming the scene field and file.
        func gdal<T>(_ field: String, _ path: String, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let e as GDALError {
                throw error(field, "\(path): \(e.message)")
            }
        }

        func prepare() throws -> PreparedScene {
            let grid = try targetGrid()
            let srs = try gdal("grid", "CRS") { try SpatialReference(definition: grid.crsWKT) }
            guard grid.transform.isNorthUp else {
                throw error("grid", "the target grid must be north-up (no rotation)")
            }

            let landcover = try align(scene.landcover, "landcover", .categorical, grid)
            var ndvi: [AlignedNDVI] = []
            var temperature: [AlignedRaster] = [], precipitation: [AlignedRaster] = [], radiation: [AlignedRaster] = []
            for (i, p) in scene.periods.enumerated() {
                let f = "periods[\(i)]"
                switch p.ndvi {
                case .ndvi(let r): ndvi.append(.ndvi(try align(r, "\(f).ndvi", .continuous, grid)))
                case .redNir(let red, let nir):
                    ndvi.append(.redNir(red: try align(red, "\(f).red", .continuous, grid),
                                        nir: try align(nir, "\(f).nir", .continuous, grid)))
                }
                temperature.append(try align(p.temperature, "\(f).temperature", .continuous, grid))
                precipitation.append(try align(p.precipitation, "\(f).precipitation", .continuous, grid))
                radiation.append(try align(p.radiation, "\(f).radiation", .continuous, grid))
            }
            var canopy: AlignedCanopy?
            switch scene.canopy {
            case .chm(let r)?: canopy = .chm(try align(r, "canopy_height", .continuous, grid))
            case .dsmDtm(let dsm, let dtm)?:
                canopy = .dsmDtm(dsm: try align(dsm, "canopy_height.dsm", .continuous, grid),
                                 dtm: try align(dtm, "canopy_height.dtm", .continuous, grid))
            case nil: canopy = nil
            }

            let table = try parameterTable()
            let zonesPath = try existing(scene.zones.path, "zones.path")
            let (zones, zoneShapes) = try zoneHierarchy(zonesPath, grid: grid, srs: srs)
            note("zones", zonesPath)
            var redlinePath: String?
            var redlineShapes: LayerShapes?
            if let r = scene.redline {
                let p = try existing(r.path, "redline")
                redlineShapes = try gdal("redline", r.path) {
                    let layer = try VectorDataset(path: p).layer(r.layer)
                    return try LayerShapes.read(try layer.features(fields: []), layer: layer, grid: srs)
                }
                note("redline", p)
                redlinePath = p
            }
            return PreparedScene(
                scene: scene, grid: grid, crsName: srs.name, crsEPSG: srs.epsg, isGeographic: srs.isGeographic,
                ellipsoid: srs.ellipsoid, landcover: landcover, ndvi: ndvi, temperature: temperature,
                precipitation: precipitation, radiation: radiation, canopy: canopy, table: table, zones: zones,
                zonesPath: zonesPath, zonesLayer: scene.zones.layer, zoneShapes: zoneShapes, redlinePath: redlinePath,
                redlineLayer: scene.redline?.layer, redlineShapes: redlineShapes, inputFiles: inputs)
        }

        func targetGrid() throws -> Grid {
            switch scene.grid {
            case .explicit(let crs, let res, let b):
                let srs = try gdal("grid.crs", crs) { try SpatialReference(definition: crs) }
                let cols = (b[2] - b[0]) / res, rows = (b[3] - b[1]) / res
                guard cols < 1_000_000, rows < 1_000_000 else {
                    throw error("grid.resolution", "\(res) gives a grid of \(Int(cols)) × \(Int(rows)) pixels; at most 1 000 000 per side")
                }
                let g = Grid(crsWKT: srs.wkt, resolution: res, bounds: (b[0], b[1], b[2], b[3]))
                guard g.width > 0, g.height > 0 else { throw error("grid", "the grid has no pixels") }
                return g
            case .reference(let name):
                let (ref, field): (RasterRef, String)
                switch name {
                case "landcover": (ref, field) = (scene.landcover, "landcover")
                case "canopy_height":
                    guard case .chm(let r)? = scene.canopy else {
                        throw error("grid.reference", "canopy_height is not a single raster in this scene")
                    }
                    (ref, field) = (r, "canopy_height")
                default: (ref, field) = (RasterRef(path: name), "grid.reference")
                }
                let path = try existing(ref.path, field)
                return try gdal(field, ref.path) { try Dataset(path: path).grid() }
            }
        }

        func align(_ ref: RasterRef, _ field: String, _ kind: InputKind, _ grid: Grid) throws -> AlignedRaster {
            let path = try existing(ref.path, field)
            let r = try gdal(field, ref.description) {
                try aligner.align(path: path, band: ref.band, kind: kind, grid: grid,
                                  scale: ref.scale, offset: ref.offset, nodata: ref.nodata)
            }
            note(field.split(separator: ".").last.map(String.init) ?? field, path)
            return r
        }

        func parameterTable() throws -> ParameterTable {
            let path = try existing(scene.parameters, "parameters")
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw error("parameters", "\(scene.parameters): cannot read the file as UTF-8 text")
            }
            note("parameters", path)
            do {
                return try ParameterTable(csv: text, source: scene.parameters)
            } catch {
                throw self.error("parameters", "\(error)")
            }
        }

        /// The zone layer, read once: the hierarchy from its attributes and its polygons.
        func zoneHierarchy(_ path: String, grid: Grid, srs: SpatialReference) throws -> (ZoneHierarchy, LayerShapes) {
            let z = scene.zones
            let (features, shapes): ([VectorFeature], LayerShapes) = try gdal("zones", z.path) {
                let ds = try VectorDataset(path: path)
                let layer = try ds.layer(z.layer)
                let fields = layer.fieldNames
                for (i, level) in z.levels.enumerated() {
                    for (key, name) in [("id", level.idField), ("label", level.labelField)] {
                        guard let name else { continue }
                        if !fields.contains(name) {
                            throw error("zones.levels[\(i)].\(key)",
                                        "\(z.path): layer '\(layer.name)' has no field '\(name)' (fields: \(fields.joined(separator: ", ")))")
                        }
                    }
                }
                let wanted = z.levels.flatMap { [$0.idField] + ($0.labelField.map { [$0] } ?? []) }
                let features = try layer.features(fields: wanted)
                return (features, try LayerShapes.read(features, layer: layer, grid: srs))
            }
            return (try ZoneHierarchy.build(features: features, levels: z.levels, source: shown), shapes)
        }
    }
}
