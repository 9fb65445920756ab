import ArgumentParser
import Foundation
import GDALKit
import SinkmapEngine
import SinkmapArchive
import SinkmapAccounting

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Size, bands, data type, CRS, geotransform, nodata and block size of a raster."
    )

    @Argument(help: "A raster GDAL can open.")
    var raster: String

    @Flag(help: "Print the CRS as full WKT.")
    var wkt = false

    func run() throws {
        try reportingErrors {
            let ds = try Dataset(path: raster)
            var out = "File: \(raster)\nDriver: \(ds.driverName)\n"
            out += "Size is \(ds.width), \(ds.height)\n"
            out += "Bands: \(ds.bandCount)\n"
            let crs = ds.crsWKT
            if crs.isEmpty {
                out += "Coordinate System: none\n"
            } else {
                let srs = try SpatialReference(definition: crs)
                out += "Coordinate System: \(srs.name)\(srs.epsg.map { " (\($0))" } ?? "")\n"
                if wkt { out += srs.wkt + "\n" }
            }
            if let t = ds.geoTransform {
                out += "Origin = (\(fmt(t.originX)), \(fmt(t.originY)))\n"
                out += "Pixel Size = (\(fmt(t.pixelWidth)), \(fmt(t.pixelHeight)))\n"
                out += "GeoTransform = \(t.gdal.map(fmt).joined(separator: ", "))\n"
            } else {
                out += "GeoTransform: none\n"
            }
            for b in 1...max(ds.bandCount, 1) where ds.bandCount > 0 {
                let info = try ds.bandInfo(b)
                var line = "Band \(b): Type=\(info.type) Block=\(info.blockWidth)x\(info.blockHeight)"
                line += " NoData=\(info.nodata.map(fmt) ?? "none")"
                if info.scale != 1 || info.offset != 0 { line += " Scale=\(fmt(info.scale)) Offset=\(fmt(info.offset))" }
                if !info.description.isEmpty { line += " Description=\(info.description)" }
                out += line + "\n"
            }
            print(out, terminator: "")
        }
    }
}

/// Shortest text that reads back as the same Double ("30" rather than "30.0").
func fmt(_ v: Double) -> String { NumberText.shortest(v) }
