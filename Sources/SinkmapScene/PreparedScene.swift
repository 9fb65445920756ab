import GDALKit
import SinkmapGrid
import SinkmapKernels

/// Where a period's NDVI is read from, aligned on the grid.
public enum AlignedNDVI: Sendable {
    case ndvi(AlignedRaster)
    case redNir(red: AlignedRaster, nir: AlignedRaster)
}

/// Canopy height aligned on the grid.
public enum AlignedCanopy: Sendable {
    case chm(AlignedRaster)
    case dsmDtm(dsm: AlignedRaster, dtm: AlignedRaster)
}

/// One input file the run reads, for the summary.
public struct InputFile: Sendable, Equatable {
    public var role: String
    public var path: String
}

/// Everything `run` needs, checked: the grid, every input aligned on it, the parameter
/// table, the zone hierarchy. A value any worker thread can use to open its own handles.
public struct PreparedScene: Sendable {
    public var scene: Scene
    public var grid: Grid
    public var crsName: String
    public var crsEPSG: String?
    public var isGeographic: Bool
    /// Semi-major axis (m) and inverse flattening of the grid's ellipsoid.
    public var ellipsoid: (semiMajor: Double, inverseFlattening: Double)
    public var landcover: AlignedRaster
    /// 12, in chronological order, like the next three.
    public var ndvi: [AlignedNDVI]
    public var temperature: [AlignedRaster]
    public var precipitation: [AlignedRaster]
    public var radiation: [AlignedRaster]
    public var canopy: AlignedCanopy?
    public var table: ParameterTable
    public var zones: ZoneHierarchy
    public var zonesPath: String
    public var zonesLayer: String?
    /// The zone polygons, one per feature of the zone layer (`zones.featureToFinest` order).
    public var zoneShapes: LayerShapes
    public var redlinePath: String?
    public var redlineLayer: String?
    /// The red-line polygons (nil without a red line).
    public var redlineShapes: LayerShapes?
    /// Every file read, in a stable order, without repeats.
    public var inputFiles: [InputFile]
    /// What validation found acceptable but worth saying (e.g. a canopy covering part of the area).
    public var warnings: [String] = []
    /// The uncertainty table's standard deviations, in the order of `table.classes` (nil
    /// without an `uncertainty` block).
    public var parameterSD: [ParameterSD]? = nil
    /// The scenario's land cover aligned on the grid like `landcover` (nil without a scenario).
    public var scenarioLandcover: AlignedRaster? = nil
    /// The plots file of the `plots` block, resolved (nil without one).
    public var plotsPath: String? = nil
}

extension PreparedScene {
    /// Every input band the run reads: its role, its month ("YYYY-MM", monthly inputs only)
    /// and the aligned raster. Bands of one file are listed each (a file shared by several
    /// roles appears under each).
    public var bandsUsed: [(role: String, month: String?, raster: AlignedRaster)] {
        var out: [(role: String, month: String?, raster: AlignedRaster)] = [("landcover", nil, landcover)]
        for (i, period) in scene.periods.enumerated() {
            let m = "\(period.month)"
            switch ndvi[i] {
            case .ndvi(let r): out.append(("ndvi", m, r))
            case .redNir(let red, let nir): out += [("red", m, red), ("nir", m, nir)]
            }
            out += [("temperature", m, temperature[i]), ("precipitation", m, precipitation[i]), ("radiation", m, radiation[i])]
        }
        switch canopy {
        case .chm(let r)?: out.append(("canopy_height", nil, r))
        case .dsmDtm(let dsm, let dtm)?: out += [("dsm", nil, dsm), ("dtm", nil, dtm)]
        case nil: break
        }
        return out
    }
}
