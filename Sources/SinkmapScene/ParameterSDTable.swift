import Foundation
import SinkmapKernels
import SinkmapBase

/// The uncertainty table of a scene: per land-cover code the standard deviations (absolute,
/// in the parameter's own units) of `eps_max`, `c_above`, `c_below`, `c_soil`, `c_dead` and
/// `agb_a`. A missing column or an empty cell is 0 (that parameter is certain). Every class of
/// the parameter table needs a row (0s for a class without uncertainty): a forgotten class
/// would otherwise look certain.
public enum ParameterSDTable {
    /// The standard deviations in the order of `table.classes`.
    public static func parse(_ text: String, source: String, table: ParameterTable) throws -> [ParameterSD] {
        func fail(_ line: Int?, _ message: String) -> Refusal {
            Refusal("\(source)\(line.map { ":\($0)" } ?? ""): \(message)")
        }
        var body = text
        if body.unicodeScalars.first == "\u{FEFF}" { body.unicodeScalars.removeFirst() }
        let records: [CSV.Record]
        do { records = try CSV.parse(body) } catch {
            switch error { case .unterminatedQuote(let line): throw fail(line, "unterminated quoted field") }
        }
        guard let header = records.first else { throw fail(nil, "the table is empty (no header row)") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let allowed = Set(["code"] + ParameterSD.columns)
        if let unknown = names.first(where: { !allowed.contains($0) }) {
            throw fail(header.line, "unknown column '\(unknown)' (expected code and some of \(ParameterSD.columns.joined(separator: ", ")))")
        }
        guard let codeColumn = names.firstIndex(of: "code") else { throw fail(header.line, "no code column") }
        guard Set(names).count == names.count else { throw fail(header.line, "a column appears twice in the header") }
        var byCode: [Int: ParameterSD] = [:]
        for r in records.dropFirst() {
            guard r.fields.count == names.count else {
                throw fail(r.line, "has \(r.fields.count) fields, the header has \(names.count)")
            }
            let codeText = r.fields[codeColumn].trimmingCharacters(in: .whitespaces)
            guard let code = Int(codeText) else { throw fail(r.line, "code '\(codeText)' is not an integer") }
            guard let k = table.index(ofCode: code) else {
                throw fail(r.line, "code \(code) is not in the parameter table")
            }
            guard byCode[code] == nil else { throw fail(r.line, "code \(code) appears twice") }
            var v = [Double](repeating: 0, count: ParameterSD.columns.count)
            for (i, name) in names.enumerated() where name != "code" {
                let t = r.fields[i].trimmingCharacters(in: .whitespaces)
                if t.isEmpty { continue }
                guard let x = Double(t), x.isFinite, x >= 0 else {
                    throw fail(r.line, "\(name) '\(t)' is not a standard deviation (a finite number ≥ 0)")
                }
                v[ParameterSD.columns.firstIndex(of: name)!] = x
            }
            let c = table.classes[k]
            if v[5] > 0, c.agbA == nil {
                throw fail(r.line, "agb_a has a standard deviation but class \(code) has no allometry (agb_a is empty in the parameter table)")
            }
            byCode[code] = ParameterSD(epsMax: v[0], cAbove: v[1], cBelow: v[2], cSoil: v[3], cDead: v[4], agbA: v[5])
        }
        let missing = table.classes.map(\.code).filter { byCode[$0] == nil }
        guard missing.isEmpty else {
            throw fail(nil, "no row for code\(missing.count > 1 ? "s" : "") \(missing.map(String.init).joined(separator: ", ")) of the parameter table (give 0s for a class whose parameters are certain)")
        }
        return table.classes.map { byCode[$0.code]! }
    }
}
