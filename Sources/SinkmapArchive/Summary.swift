import Foundation
import GDALKit
import SinkmapAccounting

/// `summary.json`: scene totals, pixels left out and why, inputs with checksums,
/// parameters, software version and timings. A typed record, written with sorted keys so
/// runs diff cleanly, and read back by tools (and tests) with the same type.
public struct Summary: ArchiveJSON, Sendable, Equatable {
    public struct Software: Codable, Sendable, Equatable {
        public var name, version, gdal: String
        /// The CPU the kernels were compiled for.
        public var build: String
        public init(name: String, version: String, gdal: String, build: String) {
            (self.name, self.version, self.gdal, self.build) = (name, version, gdal, build)
        }
    }
    public struct SceneInfo: Codable, Sendable, Equatable {
        public var name, file: String
        public init(name: String, file: String) { (self.name, self.file) = (name, file) }
    }
    public struct GridInfo: Codable, Sendable, Equatable {
        public var crs: String
        public var epsg: String?
        public var width, height, pixels: Int
        public var geotransform: [Double]

        public init(crs: String, epsg: String?, width: Int, height: Int, pixels: Int, geotransform: [Double]) {
            (self.crs, self.epsg, self.width, self.height, self.pixels, self.geotransform) = (crs, epsg, width, height, pixels, geotransform)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(crs, forKey: .crs)
            try c.encode(epsg, forKey: .epsg)  // null when the CRS has no EPSG code
            try c.encode(width, forKey: .width)
            try c.encode(height, forKey: .height)
            try c.encode(pixels, forKey: .pixels)
            try c.encode(geotransform, forKey: .geotransform)
        }
    }
    public struct Totals: Codable, Sendable, Equatable {
        public var pixels, pixelsNEP: Int64
        public var areaHa, lcMissingHa, nppTc, rhTc, nepTc, carbonTc, nepTco2e, carbonTco2e: Double
        enum CodingKeys: String, CodingKey {
            case pixels, pixelsNEP = "pixels_nep", areaHa = "area_ha", lcMissingHa = "lc_missing_ha", nppTc = "npp_tc", rhTc = "rh_tc", nepTc = "nep_tc", carbonTc = "carbon_tc"
            case nepTco2e = "nep_tco2e", carbonTco2e = "carbon_tco2e"
        }

        public init(_ t: ZoneTotals, lcMissingArea: Int128 = 0) {
            pixels = t.pixels
            lcMissingHa = Quantity.area.value(lcMissingArea)
            pixelsNEP = t.pixelsNEP
            areaHa = t.areaHectares
            nppTc = t.nppTonnes
            rhTc = t.rhTonnes
            nepTc = t.nepTonnes
            carbonTc = t.carbonTonnes
            nepTco2e = Quantity.co2e(t.nepTonnes)
            carbonTco2e = Quantity.co2e(t.carbonTonnes)
        }
    }
    public struct CodeCount: Codable, Sendable, Equatable { public var code: Int, pixels: Int64 }
    public struct LeftOutInfo: Codable, Sendable, Equatable {
        public var landcoverNodata: Int64
        public var unknownCodes: [CodeCount]
        public var unknownCodePixels, outsideZones: Int64
        /// Accounted pixels without NPP/Rh/NEP, and by cause.
        public var nepMissing, monthlyInputNodata, negativePrecipitation: Int64
        public var canopyMissing, invalidInputValues, implausibleValues: Int64
        enum CodingKeys: String, CodingKey {
            case landcoverNodata = "landcover_nodata", unknownCodes = "unknown_codes", unknownCodePixels = "unknown_code_pixels"
            case outsideZones = "outside_zones", nepMissing = "nep_missing", monthlyInputNodata = "monthly_input_nodata"
            case negativePrecipitation = "negative_precipitation", canopyMissing = "canopy_missing"
            case invalidInputValues = "invalid_input_values", implausibleValues = "implausible_values"
        }

        public init(_ lo: LeftOut) {
            landcoverNodata = lo.landcoverNodata
            unknownCodes = lo.unknownCodes.keys.sorted().map { CodeCount(code: $0, pixels: lo.unknownCodes[$0]!) }
            unknownCodePixels = lo.unknownCodePixels
            outsideZones = lo.outsideZones
            nepMissing = lo.nepMissing
            monthlyInputNodata = lo.monthlyInputNodata
            negativePrecipitation = lo.negativePrecipitation
            canopyMissing = lo.canopyMissing
            invalidInputValues = lo.invalidInputValues
            implausibleValues = lo.implausibleValues
        }
    }
    public struct Input: Codable, Sendable, Equatable {
        public var role, path: String
        public var bytes: Int64
        public var sha256: String
        public init(role: String, path: String, bytes: Int64, sha256: String) {
            (self.role, self.path, self.bytes, self.sha256) = (role, path, bytes, sha256)
        }
    }
    /// One band of an input as the run used it.
    public struct BandUse: Codable, Sendable, Equatable {
        public var role: String
        /// "YYYY-MM" for monthly inputs, nil otherwise.
        public var month: String?
        public var path: String
        public var band: Int
        public var scale, offset: Double
        public var nodata: Double?
        public var resampling: String
        public var sha256: String?

        public init(role: String, month: String?, path: String, band: Int, scale: Double, offset: Double, nodata: Double?,
                    resampling: String, sha256: String?) {
            (self.role, self.month, self.path, self.band, self.scale, self.offset) = (role, month, path, band, scale, offset)
            (self.nodata, self.resampling, self.sha256) = (nodata, resampling, sha256)
        }
    }
    /// One output file.
    public struct OutputFile: Codable, Sendable, Equatable {
        public var file: String
        public var bytes: Int64
        public var sha256: String
        public init(file: String, bytes: Int64, sha256: String) { (self.file, self.bytes, self.sha256) = (file, bytes, sha256) }
    }
    public struct Respiration: Codable, Sendable, Equatable {
        public var model: String
        public var rRef, q10, tRef: Double?
        public init(model: String, rRef: Double? = nil, q10: Double? = nil, tRef: Double? = nil) {
            (self.model, self.rRef, self.q10, self.tRef) = (model, rRef, q10, tRef)
        }
        enum CodingKeys: String, CodingKey { case model, rRef = "r_ref", q10, tRef = "t_ref" }
    }
    public struct ClassRow: Codable, Sendable, Equatable {
        public var code: Int
        public var name, ecosystem: String
        public var epsMax, ndviMin, ndviMax: Double
        public var agbA, agbB: Double?
        public var rootShoot, cAbove, cBelow, cSoil, cDead: Double
        public init(code: Int, name: String, ecosystem: String, epsMax: Double, ndviMin: Double, ndviMax: Double,
                    agbA: Double?, agbB: Double?, rootShoot: Double, cAbove: Double, cBelow: Double, cSoil: Double,
                    cDead: Double) {
            (self.code, self.name, self.ecosystem, self.epsMax, self.ndviMin, self.ndviMax) = (code, name, ecosystem, epsMax, ndviMin, ndviMax)
            (self.agbA, self.agbB, self.rootShoot, self.cAbove, self.cBelow, self.cSoil, self.cDead) = (agbA, agbB, rootShoot, cAbove, cBelow, cSoil, cDead)
        }
        enum CodingKeys: String, CodingKey {
            case code, name, ecosystem, epsMax = "eps_max", ndviMin = "ndvi_min", ndviMax = "ndvi_max", agbA = "agb_a"
            case agbB = "agb_b", rootShoot = "root_shoot", cAbove = "c_above", cBelow = "c_below", cSoil = "c_soil"
            case cDead = "c_dead"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(name, forKey: .name)
            try c.encode(ecosystem, forKey: .ecosystem)
            try c.encode(epsMax, forKey: .epsMax)
            try c.encode(ndviMin, forKey: .ndviMin)
            try c.encode(ndviMax, forKey: .ndviMax)
            try c.encode(agbA, forKey: .agbA)  // null: no lidar allometry for the class
            try c.encode(agbB, forKey: .agbB)
            try c.encode(rootShoot, forKey: .rootShoot)
            try c.encode(cAbove, forKey: .cAbove)
            try c.encode(cBelow, forKey: .cBelow)
            try c.encode(cSoil, forKey: .cSoil)
            try c.encode(cDead, forKey: .cDead)
        }
    }
    public struct Parameters: Codable, Sendable, Equatable {
        public var respiration: Respiration
        public var carbonFraction: Double
        public var table: String
        public var classes: [ClassRow]
        /// `knn (k K)` when AGB is imputed from the plots (absent for the allometry).
        public var agbModel: String? = nil
        public init(respiration: Respiration, carbonFraction: Double, table: String, classes: [ClassRow], agbModel: String? = nil) {
            (self.respiration, self.carbonFraction, self.table, self.classes, self.agbModel) = (respiration, carbonFraction, table, classes, agbModel)
        }
        enum CodingKeys: String, CodingKey { case respiration, carbonFraction = "carbon_fraction", table, classes, agbModel = "agb_model" }
    }
    public struct RunInfo: Codable, Sendable, Equatable {
        /// Worker threads that ran (no more than the cores and the tiles).
        public var threads: Int
        public var tileSize: Int
        public var tiles: Int
        public var commandLine: [String]
        /// ISO 8601, UTC.
        public var startedUTC, finishedUTC: String
        /// The build of the carbon kernels that ran (`KernelVariant`: "avx512 (8 Double lanes)" or
        /// "standard (4 Double lanes)"; the same bits either way); absent after a merge, which runs
        /// no kernels.
        public var kernels: String?
        enum CodingKeys: String, CodingKey {
            case threads, tileSize = "tile_size", tiles, commandLine = "command_line", startedUTC = "started_utc"
            case finishedUTC = "finished_utc", kernels
        }

        public init(threads: Int, tileSize: Int, tiles: Int, commandLine: [String], started: Date, finished: Date,
                    kernels: String?) {
            self.kernels = kernels
            self.threads = threads
            self.tileSize = tileSize
            self.tiles = tiles
            self.commandLine = commandLine
            startedUTC = Summary.utc(started)
            finishedUTC = Summary.utc(finished)
        }
    }

    public static func utc(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }

    public var software: Software
    public var scene: SceneInfo
    public var grid: GridInfo
    public var totals: Totals
    public var leftOut: LeftOutInfo
    public var inputs: [Input]
    /// The 12 months, chronologically.
    public var months: [String]
    /// Every input band used, with its role, month and its file's checksum.
    public var bands: [BandUse]
    /// Every output file but this summary, with its checksum.
    public var outputs: [OutputFile]
    public var parameters: Parameters
    public var run: RunInfo
    public var timingsSeconds: [String: Double]
    /// The warnings the run printed (data left out that a reader of the totals must know).
    public var warnings: [String]
    /// The shards a merge put together (absent for a whole run).
    public var shards: [ShardInfo]?

    public init(software: Software, scene: SceneInfo, grid: GridInfo, totals: Totals, leftOut: LeftOutInfo, inputs: [Input],
                months: [String], bands: [BandUse], outputs: [OutputFile], parameters: Parameters, run: RunInfo,
                timingsSeconds: [String: Double], warnings: [String], shards: [ShardInfo]?) {
        (self.software, self.scene, self.grid, self.totals, self.leftOut, self.inputs) = (software, scene, grid, totals, leftOut, inputs)
        (self.months, self.bands, self.outputs, self.parameters, self.run) = (months, bands, outputs, parameters, run)
        (self.timingsSeconds, self.warnings, self.shards) = (timingsSeconds, warnings, shards)
    }

    /// One shard of a merged run: which, where, what it computed and how long it took.
    public struct ShardInfo: Codable, Sendable, Equatable {
        /// "K/N".
        public var shard: String
        public var directory: String
        public var host: String
        /// Tile indices lo..<hi of the plan.
        public var tiles: [Int]
        public var timingsSeconds: [String: Double]
        enum CodingKeys: String, CodingKey { case shard, directory, host, tiles, timingsSeconds = "timings_seconds" }
        public init(shard: String, directory: String, host: String, tiles: [Int], timingsSeconds: [String: Double]) {
            self.shard = shard
            self.directory = directory
            self.host = host
            self.tiles = tiles
            self.timingsSeconds = timingsSeconds
        }
    }

    enum CodingKeys: String, CodingKey {
        case software, scene, grid, totals, leftOut = "left_out", inputs, months, bands, outputs, parameters, run
        case timingsSeconds = "timings_seconds", warnings, shards
    }
}
