import Foundation
import SinkmapBase

/// `zonal.csv` read back (the series tables and the ledger work from the files a run wrote,
/// so they hold exactly what `run` wrote): the header and rows of text cells.
public struct ZonalCSV: Sendable {
    public var header: [String]
    public var rows: [[String]]
    public let path: String

    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Refusal("\(path): cannot read it (not a sinkmap run's zonal.csv?)")
        }
        let records = ZonalCSV.parse(text)
        guard let first = records.first, first.first == "level" else {
            throw Refusal("\(path): not a zonal.csv (no header starting with 'level')")
        }
        header = first
        rows = Array(records.dropFirst())
        for (i, r) in rows.enumerated() where r.count != header.count {
            throw Refusal("\(path): line \(i + 2) has \(r.count) fields, the header \(header.count)")
        }
    }

    /// The column index of `name`; throws when the file lacks it.
    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else { throw Refusal("\(path): no column '\(name)'") }
        return i
    }

    /// The rows of whole units (ecosystem `all`, red line `all`), in file order.
    public func unitRows() throws -> [[String]] {
        let e = try column("ecosystem"), r = try column("redline")
        return rows.filter { $0[e] == "all" && $0[r] == "all" }
    }

    /// RFC 4180 records: fields separated by commas, quoted fields may hold commas, quotes
    /// (doubled) and line breaks.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, atFieldStart = true
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"" where atFieldStart: quoted = true; atFieldStart = false
            case ",": record.append(field); field = ""; atFieldStart = true
            case "\n":
                record.append(field)
                records.append(record)
                record = []; field = ""; atFieldStart = true
            case "\r": break
            default: field.unicodeScalars.append(c); atFieldStart = false
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

/// Exact decimals of the tables: `zonal.csv` prints fixed-point sums exactly, so differences
/// of them (change between years) are computed exactly on the integers.
public enum ExactDecimal {
    /// `text` · 10^decimals as an integer; nil when it is not a plain decimal with at most
    /// `decimals` places.
    public static func parse(_ text: String, decimals: Int) -> Int128? {
        var s = Substring(text)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= decimals, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = String(whole) + fraction + String(repeating: "0", count: decimals - fraction.count)
        guard let magnitude = UInt128(digits), magnitude <= UInt128(Int128.max) else { return nil }
        return negative ? -Int128(magnitude) : Int128(magnitude)
    }
}
