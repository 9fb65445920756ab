import Foundation
import GDALKit
import SinkmapGrid
import SinkmapKernels
import SinkmapBase

/// Checks everything `run` needs and returns it prepared: files exist and open, bands
/// exist, CRSs transform, inputs overlap the grid, the parameter table has its columns,
/// the zone layer has its fields. Reads metadata and attributes, no pixels.
public enum SceneValidator {
    /// Share of the accounted area a monthly input may leave uncovered (edge rounding of a
    /// reprojected footprint), 0.01 %.
    public static let coverageTolerance = 1e-4

    /// - Parameter cache: zone and red-line layers already read (the years of a series).
    public static func prepare(_ scene: Scene, cache: ZoneLayerCache? = nil) throws -> PreparedScene {
        let v = Run(scene: scene, cache: cache ?? ZoneLayerCache())
        return try v.prepare()
    }

    final class Run {
        let scene: Scene
        let shown: String
        let aligner = Aligner()
        let cache: ZoneLayerCache
        var inputs: [InputFile] = []

        init(scene: Scene, cache: ZoneLayerCache) {
            self.scene = scene
            self.cache = cache
            shown = scene.file.split(separator: "/").last.map(String.init) ?? scene.file
        }

        func error(_ field: String, _ message: String) -> SceneError {
            SceneError(file: shown, field: field, message: message)
        }

        /// The absolute form of a scene path, its local file checked to exist (remote sources,
        /// databases and subdatasets are checked by GDAL when opened).
        func existing(_ path: String, _ field: String) throws -> String {
            let abs = scene.resolve(path)
            if let file = GDALPath.localFile(abs), !FileManager.default.fileExists(atPath: file) {
                throw error(field, "\(path): no such file" + (file == abs ? "" : " (\(file))"))
            }
            return abs
        }

        func note(_ role: String, _ path: String) {
            if !inputs.contains(where: { $0.path == path }) { inputs.append(InputFile(role: role, path: path)) }
            // A shapefile is several files: its sidecars carry attributes, index and CRS.
            let url = URL(fileURLWithPath: path)
            if url.pathExtension.lowercased() == "shp" {
                let base = url.deletingPathExtension().path
                for ext in ["shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx", "SHX", "DBF", "PRJ", "CPG"] {
                    let sidecar = base + "." + ext
                    if FileManager.default.fileExists(atPath: sidecar), !inputs.contains(where: { $0.path == sidecar }) {
                        inputs.append(InputFile(role: role + " (." + ext.lowercased() + ")", path: sidecar))
                    }
                }
            }
        }

        /// Runs a GDAL step, turning its error into one naming the scene field and file.
        func gdal<T>(_ field: String, _ path: String, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let e as GDALError {
                throw error(field, "\(path): \(e.message)")
            }
        }

        /// A vector step: GDAL errors and polygon-layer refusals name the scene field and file.
        func shapes<T>(_ field: String, _ path: String, _ body: () throws -> T) throws -> T {
            do {
                return try gdal(field, path, body)
            } catch let r as Refusal {
                throw error(field, r.description)
            }
        }

        /// The scene's rasters on the target grid, as the run will read them.
        struct Aligned {
            var landcover: AlignedRaster
            var scenarioLandcover: AlignedRaster?
            var ndvi: [AlignedNDVI] = []
            var temperature: [AlignedRaster] = [], precipitation: [AlignedRaster] = [], radiation: [AlignedRaster] = []
            var canopy: AlignedCanopy?

            /// Per month, each monthly input with its name (ndvi, or red and nir; then the climate).
            func monthly(_ i: Int) -> [(String, AlignedRaster)] {
                var inputs: [(String, AlignedRaster)] = [("temperature", temperature[i]), ("precipitation", precipitation[i]),
                                                         ("radiation", radiation[i])]
                switch ndvi[i] {
                case .ndvi(let r): inputs.insert(("ndvi", r), at: 0)
                case .redNir(let red, let nir): inputs.insert(contentsOf: [("red", red), ("nir", nir)], at: 0)
                }
                return inputs
            }

            var canopyRasters: [AlignedRaster] {
                switch canopy {
                case .chm(let r)?: [r]
                case .dsmDtm(let dsm, let dtm)?: [dsm, dtm]
                case nil: []
                }
            }
        }

        /// The zone layer (hierarchy and shapes, from the cache when a series has read it) and
        /// the red line's shapes.
        struct Zones {
            var path: String
            var hierarchy: ZoneHierarchy
            var shapes: LayerShapes
            var redlinePath: String?
            var redlineShapes: LayerShapes?
        }

        /// The steps, in the order their refusals are reported: the grid; every raster aligned;
        /// the parameter table; the zones and the red line; the input values; the coverage of the
        /// accounted area; the standard deviations and the plots.
        func prepare() throws -> PreparedScene {
            let grid = try targetGrid()
            let srs = try gdal("grid", "CRS") { try SpatialReference(definition: grid.crsWKT) }
            guard grid.transform.isNorthUp else {
                throw error("grid", "the target grid must be north-up (no rotation)")
            }
            let aligned = try alignInputs(grid)
            let table = try parameterTable()
            let zones = try zoneLayers(grid: grid, srs: srs)
            var warnings = try checkValues(aligned)
            warnings += try checkCoverage(aligned, grid: grid, zones: zones)
            warnings += try gdal("periods", "clear.tif") {
                try CompositeCheck.mostlyFilled(aligned.ndvi, months: scene.periods.map { "\($0.month)" })
            }
            let sd = try parameterSD(table)
            let plotsPath = try scene.accounting.plots.map { try existing($0.path, "plots.path") }
            if let plotsPath { note("plots", plotsPath) }
            var prepared = PreparedScene(
                scene: scene, grid: grid, crsName: srs.name, crsEPSG: srs.epsg, isGeographic: srs.isGeographic,
                ellipsoid: srs.ellipsoid, landcover: aligned.landcover, ndvi: aligned.ndvi, temperature: aligned.temperature,
                precipitation: aligned.precipitation, radiation: aligned.radiation, canopy: aligned.canopy, table: table,
                zones: zones.hierarchy, zonesPath: zones.path, zonesLayer: scene.zones.layer, zoneShapes: zones.shapes,
                redlinePath: zones.redlinePath, redlineLayer: scene.redline?.layer, redlineShapes: zones.redlineShapes,
                inputFiles: inputs, warnings: warnings)
            prepared.parameterSD = sd
            prepared.scenarioLandcover = aligned.scenarioLandcover
            prepared.plotsPath = plotsPath
            return prepared
        }

        /// Every raster of the scene aligned onto `grid`, in the scene file's order.
        func alignInputs(_ grid: Grid) throws -> Aligned {
            var a = Aligned(landcover: try align(scene.landcover, "landcover", .categorical, grid))
            a.scenarioLandcover = try scene.accounting.scenario.map { try align($0.landcover, "scenario.landcover", .categorical, grid) }
            for (i, p) in scene.periods.enumerated() {
                let f = "periods[\(i)]"
                switch p.ndvi {
                case .ndvi(let r): a.ndvi.append(.ndvi(try align(r, "\(f).ndvi", .continuous, grid)))
                case .redNir(let red, let nir):
                    a.ndvi.append(.redNir(red: try align(red, "\(f).red", .continuous, grid),
                                          nir: try align(nir, "\(f).nir", .continuous, grid)))
                }
                a.temperature.append(try align(p.temperature, "\(f).temperature", .continuous, grid))
                a.precipitation.append(try align(p.precipitation, "\(f).precipitation", .continuous, grid))
                a.radiation.append(try align(p.radiation, "\(f).radiation", .continuous, grid))
            }
            switch scene.canopy {
            case .chm(let r)?: a.canopy = .chm(try align(r, "canopy_height", .continuous, grid))
            case .dsmDtm(let dsm, let dtm)?:
                a.canopy = .dsmDtm(dsm: try align(dsm, "canopy_height.dsm", .continuous, grid),
                                   dtm: try align(dtm, "canopy_height.dtm", .continuous, grid))
            case nil: a.canopy = nil
            }
            return a
        }

        /// The zone layer and the red line, read once (or taken from the cache).
        func zoneLayers(grid: Grid, srs: SpatialReference) throws -> Zones {
            let zonesPath = try existing(scene.zones.path, "zones.path")
            let levelsKey = scene.zones.levels.map { "\($0.name)|\($0.idField)|\($0.labelField ?? "")" }
            let (hierarchy, shapes) = try cache.zones(.init(path: zonesPath, layer: scene.zones.layer, levels: levelsKey,
                                                            crsWKT: grid.crsWKT)) {
                try zoneHierarchy(zonesPath, grid: grid, srs: srs)
            }
            note("zones", zonesPath)
            var zones = Zones(path: zonesPath, hierarchy: hierarchy, shapes: shapes)
            if let r = scene.redline {
                let p = try existing(r.path, "redline")
                let key = ZoneLayerCache.Key(path: p, layer: r.layer, levels: [], crsWKT: grid.crsWKT)
                zones.redlineShapes = try cache.redline(key) {
                    try self.shapes("redline", r.path) {
                        let layer = try VectorDataset(path: p).layer(r.layer)
                        return try LayerShapes.read(try layer.features(fields: []), layer: layer, grid: srs)
                    }
                }
                note("redline", p)
                zones.redlinePath = p
            }
            return zones
        }

        /// The inputs' values where they can be told wrong from a sample: land-cover codes, NDVI
        /// range, climate units. Returns the warnings.
        func checkValues(_ a: Aligned) throws -> [String] {
            let check = Plausibility(refuse: error)
            try check.landcover(a.landcover)
            if let r = a.scenarioLandcover { try check.landcover(r, field: "scenario.landcover") }
            // The NDVI samples (16 blocks decoded per file) on every core; the first refusal in
            // month order is the one reported, as one after the other would.
            let ndviChecks = a.ndvi.enumerated().compactMap { i, entry -> (String, AlignedRaster)? in
                if case .ndvi(let r) = entry { return ("periods[\(i)].ndvi", r) } else { return nil }
            }
            var refusals = [Error?](repeating: nil, count: ndviChecks.count)
            nonisolated(unsafe) let sharedCheck = check
            refusals.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                DispatchQueue.concurrentPerform(iterations: ndviChecks.count) { k in
                    do { try sharedCheck.ndvi(ndviChecks[k].1, field: ndviChecks[k].0) } catch { slots[k] = error }
                }
            }
            if let first = refusals.lazy.compactMap({ $0 }).first { throw first }
            return try check.climate(temperature: a.temperature, precipitation: a.precipitation, radiation: a.radiation,
                                     months: scene.periods.map { "\($0.month)" })
        }

        /// The accounted area (the zones' extent on the grid) covered: by the land cover at all,
        /// by every monthly input to the tolerance, by the red line somewhere; the canopy's gaps
        /// are warnings (the table's pools fill them).
        func checkCoverage(_ a: Aligned, grid: Grid, zones: Zones) throws -> [String] {
            let accounted = try accountedBox(grid: grid, zones: zones.shapes)
            if a.landcover.uncoveredShare(of: accounted) > 0.9999 {
                throw error("landcover", "\(a.landcover.path): covers none of the zones (the zones' extent on the grid)")
            }
            if let red = zones.redlineShapes, let r = scene.redline {
                let g = grid.bounds()
                guard let e = red.extent, e.xmin < g.xmax, e.xmax > g.xmin, e.ymin < g.ymax, e.ymax > g.ymin else {
                    throw error("redline", "\(r.path): no red-line polygon overlaps the grid (every unit would be 100 % outside); wrong layer or wrong CRS?")
                }
            }
            for i in scene.periods.indices {
                for (name, r) in a.monthly(i) {
                    let share = r.uncoveredShare(of: accounted)
                    if share > SceneValidator.coverageTolerance {
                        throw error("periods[\(i)].\(name)", "\(r.path): leaves \(percent(share)) of the accounted area (the zones' extent on the grid) uncovered; every monthly input must cover it")
                    }
                }
            }
            return a.canopyRasters.compactMap { r in
                let share = r.uncoveredShare(of: accounted)
                guard share > SceneValidator.coverageTolerance else { return nil }
                return "canopy_height: \(r.path) leaves \(percent(share)) of the accounted area uncovered; carbon there comes from the table's pools"
            }
        }

        /// The part of the grid the totals account for: the grid's extent clipped to the
        /// zones' bounding box. Refuses zones that overlap nothing.
        func accountedBox(grid: Grid, zones: LayerShapes) throws -> (xmin: Double, ymin: Double, xmax: Double, ymax: Double) {
            let g = grid.bounds()
            guard let z = zones.extent, z.xmin < g.xmax, z.xmax > g.xmin, z.ymin < g.ymax, z.ymax > g.ymin else {
                throw error("zones", "\(scene.zones.path): no zone polygon overlaps the grid (in the grid's CRS); wrong layer or wrong CRS?")
            }
            return (max(g.xmin, z.xmin), max(g.ymin, z.ymin), min(g.xmax, z.xmax), min(g.ymax, z.ymax))
        }

        func percent(_ share: Double) -> String {
            let p = share * 100
            return p >= 1 ? "\(Int(p.rounded())) %" : "\(Double(Int((p * 1000).rounded())) / 1000) %"
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

        /// The uncertainty table (nil without an `uncertainty` block).
        func parameterSD(_ table: ParameterTable) throws -> [ParameterSD]? {
            guard let u = scene.accounting.uncertainty else { return nil }
            let path = try existing(u.table, "uncertainty.table")
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw error("uncertainty.table", "\(u.table): cannot read the file as UTF-8 text")
            }
            note("uncertainty", path)
            do {
                return try ParameterSDTable.parse(text, source: u.table, table: table)
            } catch {
                throw self.error("uncertainty.table", "\(error)")
            }
        }

        /// The zone layer, read once: the hierarchy from its attributes and its polygons.
        func zoneHierarchy(_ path: String, grid: Grid, srs: SpatialReference) throws -> (ZoneHierarchy, LayerShapes) {
            let z = scene.zones
            let (features, shapes): ([VectorFeature], LayerShapes) = try self.shapes("zones", z.path) {
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
                let idField = z.levels[0].idField
                let shapes = try LayerShapes.read(features, layer: layer, grid: srs) { f in
                    "fid \(f.fid) (\(idField) \(f.fields[idField].map { $0.isEmpty ? "empty" : $0 } ?? "?"))"
                }
                return (features, shapes)
            }
            return (try ZoneHierarchy.build(features: features, levels: z.levels, source: shown), shapes)
        }
    }
}
