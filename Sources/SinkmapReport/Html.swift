/// HTML text helpers: escaping and sortable tables.
enum Html {
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A token safe in an id attribute.
    static func id(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    /// A sortable table (click a header to sort; numbers sort as numbers). Cells that parse
    /// as numbers are right-aligned and carry their value in `data-v`.
    static func table(header: [String], rows: [[String]], caption: String? = nil, numeric: (Int) -> Bool = { _ in false }) -> String {
        var s = "<div class=\"scroll\"><table class=\"sortable\">"
        if let caption { s += "<caption>\(esc(caption))</caption>" }
        s += "<thead><tr>" + header.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows {
            s += "<tr>"
            for (i, cell) in r.enumerated() {
                if numeric(i), let v = Double(cell) {
                    s += "<td class=\"num\" data-v=\"\(cell)\">\(esc(cell))</td>"
                    _ = v
                } else {
                    s += "<td>\(esc(cell))</td>"
                }
            }
            s += "</tr>"
        }
        return s + "</tbody></table></div>"
    }

    /// A figure as it stands in zonal.csv, shortened for reading (the CSV keeps every digit).
    static func figure(_ text: String?, digits: Int = 2) -> String {
        guard let text, let v = Double(text) else { return text ?? "" }
        if text.contains(".") == false { return text }
        return String(format: "%.\(digits)f", v)
    }
}
