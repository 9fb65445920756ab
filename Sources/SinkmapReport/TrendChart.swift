import Foundation

/// A unit's yearly values as an inline SVG line chart, with its Theil–Sen line (from the
/// series' `trend.csv`: y = intercept + slope · year) dashed across the years.
enum TrendChart {
    struct Line {
        var slope: Double, intercept: Double
        /// The slope and intercept as `trend.csv` states them (kept on the line element).
        var slopeText: String, interceptText: String
    }

    static func svg(title: String, years: [Int], values: [Double?], unit: String, line: Line?, colour: String) -> String {
        guard let first = years.first, let last = years.last else { return "" }
        let left = 78.0, right = 14.0, top = 26.0, plotW = 330.0, plotH = 150.0
        let width = left + plotW + right, height = top + plotH + 44
        var ys = values.compactMap { $0 }
        if let line { ys += [line.intercept + line.slope * Double(first), line.intercept + line.slope * Double(last)] }
        var lo = ys.min() ?? 0, hi = ys.max() ?? 1
        // A flat series (equal values; the line's intercept may differ from them in the last
        // digits) gets an axis of ±5 % around it rather than one of a billionth.
        if hi - lo <= 1e-6 * max(1, abs(hi), abs(lo)) {
            let mid = (hi + lo) / 2, pad = max(1, abs(mid) * 0.05)
            lo = mid - pad
            hi = mid + pad
        }
        let raw = (hi - lo) / 4
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? raw
        lo = (lo / step).rounded(.down) * step
        hi = (hi / step).rounded(.up) * step
        let span = Double(max(1, last - first))
        func x(_ year: Double) -> Double { left + (years.count == 1 ? plotW / 2 : (year - Double(first)) / span * plotW) }
        func y(_ v: Double) -> Double { top + plotH - (v - lo) / (hi - lo) * plotH }
        let decimals = step >= 1 ? 0 : Int(-floor(log10(step)))
        var s = "<svg class=\"chart trend\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\">"
        s += "<text x=\"\(f(left))\" y=\"16\" class=\"small\"><tspan font-weight=\"bold\">\(Html.esc(title))</tspan> (\(Html.esc(unit)))</text>"
        for k in 0...Int(((hi - lo) / step).rounded()) {
            let v = lo + step * Double(k)
            s += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#e3e7e8\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\" class=\"small\">\(String(format: "%.\(decimals)f", v))</text>"
        }
        for year in years {
            s += "<text x=\"\(f(x(Double(year))))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" class=\"small\">\(year)</text>"
        }
        s += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(top + plotH))\" y2=\"\(f(top + plotH))\" stroke=\"#333\"/>"
        if let line {
            let (x0, x1) = (Double(first), Double(last))
            s += "<line class=\"theil-sen\" data-slope=\"\(Html.esc(line.slopeText))\" data-intercept=\"\(Html.esc(line.interceptText))\" "
            s += "x1=\"\(f(x(x0)))\" y1=\"\(f(y(line.intercept + line.slope * x0)))\" x2=\"\(f(x(x1)))\" y2=\"\(f(y(line.intercept + line.slope * x1)))\" "
            s += "stroke=\"#b2182b\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"><title>Theil–Sen: \(Html.esc(line.slopeText)) \(Html.esc(unit))/yr</title></line>"
        }
        // The yearly values, joined where consecutive years both have one.
        var path = "", pen = false
        for (year, v) in zip(years, values) {
            guard let v else { pen = false; continue }
            path += (pen ? " L" : " M") + "\(f(x(Double(year)))),\(f(y(v)))"
            pen = true
        }
        if !path.isEmpty { s += "<path d=\"\(path.dropFirst())\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>" }
        for (year, v) in zip(years, values) {
            guard let v else { continue }
            s += "<circle cx=\"\(f(x(Double(year))))\" cy=\"\(f(y(v)))\" r=\"3.5\" fill=\"\(colour)\"><title>\(year): \(NumberTextShort.text(v)) \(Html.esc(unit))</title></circle>"
        }
        return s + "</svg>"
    }
}

/// A value for a tooltip: three decimals, trailing zeros dropped.
enum NumberTextShort {
    static func text(_ v: Double) -> String {
        var s = String(format: "%.3f", v)
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }
}
