import Foundation
import SinkmapArchive
import GDALKit

/// `composite.json`: per month the acquisitions used with their clear share over the grid,
/// the pixels filled and left nodata; the acquisitions ignored; the inputs with checksums;
/// the method and the software version.
public struct CompositeReport: ArchiveJSON, Sendable {
    public struct Grid: Codable, Sendable {
        public var width: Int, height: Int
        public var geotransform: [Double]
        public var crs: String
    }
    public struct Used: Codable, Sendable {
        public var id: String, date: String, sensor: String
        /// Clear, valid pixels of the grid in this acquisition, and their share of the grid.
        public var clearPixels: Int
        public var clearShare: Double
    }
    public struct Month: Codable, Sendable {
        public var month: String
        public var acquisitions: [Used]
        public var pixelsFilled: Int
        public var pixelsNodata: Int
    }
    public struct Ignored: Codable, Sendable {
        public var count: Int
        public var acquisitions: [String]
    }
    public struct Input: Codable, Sendable {
        public var path: String
        public var bytes: Int64
        public var sha256: String
    }
    public struct Software: Codable, Sendable {
        public var name: String, version: String, gdal: String
    }

    public var year: Int
    public var method: String
    public var grid: Grid
    public var months: [Month]
    public var ignoredOutsideYear: Ignored
    /// The reflectance scaling applied, per quality type.
    public var scaling: [String: String]
    public var inputs: [Input]
    public var software: Software

    public static var snakeCaseKeys: Bool { true }
}
