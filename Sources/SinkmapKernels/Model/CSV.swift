/// Minimal RFC 4180 CSV reader: comma separated, fields may be double-quoted
/// (with "" for a quote inside), LF or CRLF line ends. Returns records with the
/// 1-based line on which each starts. Blank lines are skipped.
public enum CSV {
    public struct Record { public var line: Int; public var fields: [String] }

    public enum Failure: Error { case unterminatedQuote(line: Int) }

    public static func parse(_ text: String) throws(Failure) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var recordLine = 1
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            fields.append(field)
            let blank = fields.count == 1 && fields[0].allSatisfy { $0 == " " || $0 == "\t" } && !fieldWasQuoted
            if !blank { records.append(Record(line: recordLine, fields: fields)) }
            fields = []; field = ""; fieldWasQuoted = false
        }

        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.allSatisfy({ $0 == " " || $0 == "\t" }):
                field = ""; inQuotes = true; fieldWasQuoted = true
            case ",":
                fields.append(field); field = ""
            case "\r":
                break
            case "\n":
                endRecord(); line += 1; recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmed: String {
        let ws: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !ws($0) }) else { return "" }
        let end = lastIndex(where: { !ws($0) })!
        return String(self[start...end])
    }
}
