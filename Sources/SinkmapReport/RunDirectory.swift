import Foundation
import GDALKit
import SinkmapArchive
import SinkmapBase

/// A CSV file as text fields (RFC 4180 quoting), header first.
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(text: String) {
        var records: [[String]] = [], field = "", record: [String] = [], quoted = false
        var it = text.makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? it.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    if let next = it.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true
            } else if ch == "," { record.append(field); field = ""
            } else if ch == "\n" || ch == "\r\n" { record.append(field); records.append(record); record = []; field = ""
            } else if ch != "\r" { field.append(ch) }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// One row of `zonal.csv`, the fields the report shows.
public struct ZonalRecord: Sendable {
    public var level, unitID, unitName, parentID, ecosystem, redline: String
    public var fields: [String: String]
    public func number(_ key: String) -> Double? { fields[key].flatMap { Double($0) } }
}

/// A unit's outline in the grid's CRS, for the maps.
public struct UnitShape: Sendable {
    public var id, name: String
    /// Polygons → rings → points, in the grid's CRS.
    public var polygons: [[[SIMD2<Double>]]]
}

/// Everything the report reads from a run directory: `summary.json`, `zonal.csv`, the
/// outlines of `onemap.gpkg`, the COGs (through `MapRenderer`) and, when present, the
/// accounting tables (`uncertainty.csv`, `valuation.csv`, `compensation.csv`, `estimates.csv`, `scenario/`).
public struct RunDirectory {
    public var path: String
    public var summary: Summary
    public var zonal: [ZonalRecord]
    public var zonalHeader: [String]
    /// Level names, finest first (the order of `zonal.csv`).
    public var levels: [String]
    /// Outlines per level name.
    public var shapes: [String: [UnitShape]]
    public var grid: Grid
    /// Extra tables present in the directory: (file name, table).
    public var extras: [(String, CSVTable)]
    /// stac.json, when the run wrote one.
    public var hasStac: Bool

    public init(path: String) throws {
        self.path = path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw Refusal("\(path): no such directory")
        }
        for f in ["summary.json", "zonal.csv", "onemap.gpkg", "nep.tif"] where !fm.fileExists(atPath: path + "/" + f) {
            throw Refusal("\(path): not a sinkmap run directory (no \(f))")
        }
        do {
            summary = try Summary.read(path: path + "/summary.json")
        } catch {
            throw Refusal("\(path)/summary.json: not a summary sinkmap can read (\(error))")
        }
        let table = CSVTable(text: try String(contentsOfFile: path + "/zonal.csv", encoding: .utf8))
        zonalHeader = table.header
        guard let l = table.column("level"), let id = table.column("unit_id"), let name = table.column("unit_name"),
              let parent = table.column("parent_id"), let eco = table.column("ecosystem"), let red = table.column("redline") else {
            throw Refusal("\(path)/zonal.csv: missing one of the columns level, unit_id, unit_name, parent_id, ecosystem, redline")
        }
        zonal = table.rows.filter { $0.count == table.header.count }.map { r in
            ZonalRecord(level: r[l], unitID: r[id], unitName: r[name], parentID: r[parent], ecosystem: r[eco], redline: r[red],
                        fields: Dictionary(uniqueKeysWithValues: zip(table.header, r)))
        }
        var seen: [String] = []
        for r in zonal where !seen.contains(r.level) { seen.append(r.level) }
        levels = seen
        let ds = try Dataset(path: path + "/nep.tif")
        grid = try ds.grid()
        shapes = try RunDirectory.readShapes(path: path + "/onemap.gpkg", levels: seen, gridCRS: grid.crsWKT)
        var extras: [(String, CSVTable)] = []
        for f in ["uncertainty.csv", "valuation.csv", "compensation.csv", "estimates.csv"] where fm.fileExists(atPath: path + "/" + f) {
            extras.append((f, CSVTable(text: try String(contentsOfFile: path + "/" + f, encoding: .utf8))))
        }
        if let names = try? fm.contentsOfDirectory(atPath: path + "/scenario") {
            for f in names.sorted() where f.hasSuffix(".csv") {
                extras.append(("scenario/" + f, CSVTable(text: try String(contentsOfFile: path + "/scenario/" + f, encoding: .utf8))))
            }
        }
        self.extras = extras
        hasStac = fm.fileExists(atPath: path + "/stac.json")
    }

    static func readShapes(path: String, levels: [String], gridCRS: String) throws -> [String: [UnitShape]] {
        let gpkg = try VectorDataset(path: path)
        let target = try SpatialReference(definition: gridCRS)
        var out: [String: [UnitShape]] = [:]
        for level in levels where gpkg.layerNames.contains(level) {
            let layer = try gpkg.layer(level)
            let ct = try layer.spatialReference.map { try CoordinateTransform(from: $0, to: target) }
            out[level] = try layer.features(fields: ["unit_id", "unit_name"]).compactMap { f in
                guard let g = f.geometry else { return nil }
                if let ct { try g.transform(ct, path: path) }
                return UnitShape(id: f.fields["unit_id"] ?? "", name: f.fields["unit_name"] ?? "", polygons: g.polygons)
            }
        }
        return out
    }

    /// The `all`/`all` row of each unit of a level, in file order.
    public func unitRows(level: String) -> [ZonalRecord] {
        zonal.filter { $0.level == level && $0.ecosystem == "all" && $0.redline == "all" }
    }

    /// The rows of one unit.
    public func rows(level: String, unit: String) -> [ZonalRecord] {
        zonal.filter { $0.level == level && $0.unitID == unit }
    }
}
