import SinkmapKernels

/// A raster reference of the scene file: `path`, `PATH#BAND` or
/// `{path, band, scale, offset, nodata}`. Physical value = raw · scale + offset.
public struct RasterRef: Sendable, Equatable, CustomStringConvertible {
    /// As written in the scene (relative to the scene file).
    public var path: String
    public var band: Int
    /// nil: the band's own scale/offset metadata (else 1 and 0).
    public var scale: Double?
    public var offset: Double?
    /// nil: the band's own nodata.
    public var nodata: Double?

    public init(path: String, band: Int = 1, scale: Double? = nil, offset: Double? = nil, nodata: Double? = nil) {
        self.path = path
        self.band = band
        self.scale = scale
        self.offset = offset
        self.nodata = nodata
    }

    public var description: String { band == 1 ? path : "\(path)#\(band)" }
}

/// A calendar month, e.g. 2023-07.
public struct YearMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }
    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(m)"
    }
}

/// Where a period's NDVI comes from.
public enum NDVISource: Sendable, Equatable {
    case ndvi(RasterRef)
    /// NDVI = (nir − red) / (nir + red), nodata where nir + red = 0.
    case redNir(red: RasterRef, nir: RasterRef)
}

/// One monthly period of the CASA model.
public struct Period: Sendable, Equatable {
    public var month: YearMonth
    public var ndvi: NDVISource
    /// °C, monthly mean.
    public var temperature: RasterRef
    /// mm per month.
    public var precipitation: RasterRef
    /// Total solar radiation, MJ/m² per month.
    public var radiation: RasterRef
}

/// How the target grid is chosen.
public enum GridSpec: Sendable, Equatable {
    /// The grid of the named input (`landcover` by default).
    case reference(String)
    /// An explicit north-up grid.
    case explicit(crs: String, resolution: Double, bounds: [Double])
}

/// Canopy height: a CHM, or DSM − DTM.
public enum CanopySpec: Sendable, Equatable {
    case chm(RasterRef)
    case dsmDtm(dsm: RasterRef, dtm: RasterRef)
}

/// One administrative level: its name, id field and optional label field.
public struct ZoneLevel: Sendable, Equatable {
    public var name: String
    public var idField: String
    public var labelField: String?

    public init(name: String, idField: String, labelField: String? = nil) {
        self.name = name
        self.idField = idField
        self.labelField = labelField
    }
}

public struct ZonesSpec: Sendable, Equatable {
    public var path: String
    public var layer: String?
    /// Finest first.
    public var levels: [ZoneLevel]
    /// How a pixel belongs to a unit (and to the red line).
    public var coverage: Coverage = .exact
}

/// `exact`: by the exact fraction of the pixel the polygon covers (default); `centre`: wholly
/// to the polygon holding its centre (GDAL's rasterizer, as tools that rasterize do).
public enum Coverage: String, Sendable, Equatable, CaseIterable {
    case exact, centre
}

/// The polygons of the ecological-protection red line.
public struct RedlineSpec: Sendable, Equatable {
    public var path: String
    public var layer: String?
    public init(path: String, layer: String?) {
        self.path = path
        self.layer = layer
    }
}

/// A parsed scene file (SPEC section 2). Paths are as written; `resolve(_:)` makes them absolute.
public struct Scene: Sendable {
    /// Absolute path of the scene file.
    public var file: String
    public var name: String
    public var grid: GridSpec
    public var landcover: RasterRef
    public var parameters: String
    public var canopy: CanopySpec?
    /// Exactly 12, in chronological order.
    public var periods: [Period]
    public var zones: ZonesSpec
    public var redline: RedlineSpec?
    public var options: ModelOptions
    /// Uncertainty, valuation and compensation, when the scene asks for them.
    public var accounting = AccountingOptions()

    /// The directory holding the scene file.
    public var directory: String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// A path of the scene made absolute (relative paths are relative to the scene file).
    public func resolve(_ path: String) -> String {
        GDALPath.resolve(path, against: directory)
    }
}
