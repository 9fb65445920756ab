import Foundation

/// Bar charts as inline SVG: one row per unit, horizontal bars from a zero line (negative
/// values to its left), stacked when a unit's value has parts.
enum Charts {
    static let ecosystemColours: [String: String] = [
        "forest": "#1b7837", "shrub": "#7fbc41", "grassland": "#c2e699", "wetland": "#35978f", "farmland": "#f6c141",
        "urban": "#969696", "water": "#4393c3", "other": "#d6a5c9", "inside": "#1a9850", "outside": "#fdae61",
    ]

    /// Parts of each row: (label, [(part, value)]); a single part draws a plain bar.
    static func bars(_ rows: [(String, [(String, Double)])], unit: String, colour: String = "#2c7fb8") -> String {
        guard !rows.isEmpty else { return "" }
        let labelW = 150.0, barW = 520.0, rowH = 22.0, top = 8.0
        // Extent: the sums of negative and positive parts.
        var lo = 0.0, hi = 0.0
        for (_, parts) in rows {
            lo = min(lo, parts.map(\.1).filter { $0 < 0 }.reduce(0, +))
            hi = max(hi, parts.map(\.1).filter { $0 > 0 }.reduce(0, +))
        }
        if hi == lo { hi = lo + 1 }
        // Ticks at a round step (1, 2 or 5 × 10^k) covering [lo, hi].
        let raw = (hi - lo) / 4
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? raw
        lo = (lo / step).rounded(.down) * step
        hi = (hi / step).rounded(.up) * step
        func x(_ v: Double) -> Double { labelW + (v - lo) / (hi - lo) * barW }
        let legendParts = Array(Set(rows.flatMap { $0.1.map(\.0) })).sorted()
        let stacked = legendParts.count > 1
        let h = top + Double(rows.count) * rowH + 40 + (stacked ? 22 : 0)
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(f(labelW + barW + 110)) \(f(h))\" role=\"img\">"
        for (i, (label, parts)) in rows.enumerated() {
            let y = top + Double(i) * rowH
            s += "<text x=\"\(f(labelW - 6))\" y=\"\(f(y + 15))\" text-anchor=\"end\">\(Html.esc(label))</text>"
            var pos = 0.0, neg = 0.0
            for (part, v) in parts where v != 0 {
                let start = v > 0 ? pos : neg + v
                if v > 0 { pos += v } else { neg += v }
                let fill = stacked ? (ecosystemColours[part] ?? "#999") : colour
                s += "<rect x=\"\(f(x(start)))\" y=\"\(f(y + 3))\" width=\"\(f(max(0.5, x(start + abs(v)) - x(start))))\" height=\"\(f(rowH - 6))\" fill=\"\(fill)\"><title>\(Html.esc(label)) \(Html.esc(part)): \(String(format: "%.3f", v)) \(Html.esc(unit))</title></rect>"
            }
            let total = parts.map(\.1).reduce(0, +)
            s += "<text x=\"\(f(x(pos) + 4))\" y=\"\(f(y + 15))\" class=\"small\">\(String(format: "%.1f", total))</text>"
        }
        let axisY = top + Double(rows.count) * rowH
        s += "<line x1=\"\(f(x(0)))\" x2=\"\(f(x(0)))\" y1=\"\(f(top))\" y2=\"\(f(axisY))\" stroke=\"#333\"/>"
        s += "<line x1=\"\(f(labelW))\" x2=\"\(f(labelW + barW))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY))\" stroke=\"#333\"/>"
        for k in 0...Int(((hi - lo) / step).rounded()) {
            let v = lo + step * Double(k)
            s += "<text x=\"\(f(x(v)))\" y=\"\(f(axisY + 16))\" text-anchor=\"middle\" class=\"small\">\(String(format: "%.0f", v))</text>"
        }
        s += "<text x=\"\(f(labelW + barW / 2))\" y=\"\(f(axisY + 32))\" text-anchor=\"middle\" class=\"small\">\(Html.esc(unit))</text>"
        if stacked {
            var lx = labelW
            for p in legendParts {
                s += "<rect x=\"\(f(lx))\" y=\"\(f(axisY + 40))\" width=\"12\" height=\"12\" fill=\"\(ecosystemColours[p] ?? "#999")\"/>"
                s += "<text x=\"\(f(lx + 16))\" y=\"\(f(axisY + 50))\" class=\"small\">\(Html.esc(p))</text>"
                lx += 20 + Double(p.count) * 7
            }
        }
        return s + "</svg>"
    }
}
