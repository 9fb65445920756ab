import Foundation
import GDALKit
import SinkmapArchive

/// The maps of the report: a layer of a COG read through its overviews (GDAL serves the
/// reduced read from the overview nearest the asked size), coloured with the layer's
/// `LayerStyle`, encoded as PNG by GDAL, and embedded with the units' outlines, their names, a
/// scale bar and a legend in one inline SVG (no file, no network).
public struct MapRenderer {
    public let run: RunDirectory
    /// The width of a map in SVG units (CSS pixels at 100 %).
    public var width = 760.0

    public init(run: RunDirectory) { self.run = run }

    /// A map extent in the grid's CRS.
    public struct Extent: Sendable {
        public var xmin, ymin, xmax, ymax: Double
    }

    public var fullExtent: Extent {
        let b = run.grid.bounds()
        return Extent(xmin: b.xmin, ymin: b.ymin, xmax: b.xmax, ymax: b.ymax)
    }

    /// The extent of a unit's outline, widened by 4 % on each side.
    public func extent(of unit: UnitShape) -> Extent? {
        let pts = unit.polygons.flatMap { $0.flatMap { $0 } }
        guard let x0 = pts.map(\.x).min(), let x1 = pts.map(\.x).max(), let y0 = pts.map(\.y).min(), let y1 = pts.map(\.y).max() else { return nil }
        let pad = 0.04 * max(x1 - x0, y1 - y0)
        return Extent(xmin: x0 - pad, ymin: y0 - pad, xmax: x1 + pad, ymax: y1 + pad)
    }

    /// The pixel window of `extent` on the grid (clamped to it) and the image size to read.
    func window(_ e: Extent, maxSide: Int) -> (Window, Int, Int)? {
        let t = run.grid.transform
        guard let inv = t.inverted() else { return nil }
        let a = inv.apply(col: e.xmin, row: e.ymax), b = inv.apply(col: e.xmax, row: e.ymin)
        let c0 = max(0, Int(floor(min(a.x, b.x)))), c1 = min(run.grid.width, Int(ceil(max(a.x, b.x))))
        let r0 = max(0, Int(floor(min(a.y, b.y)))), r1 = min(run.grid.height, Int(ceil(max(a.y, b.y))))
        guard c1 > c0, r1 > r0 else { return nil }
        let w = c1 - c0, h = r1 - r0
        let f = min(1, Double(maxSide) / Double(max(w, h)))
        return (Window(col: c0, row: r0, width: w, height: h), max(1, Int((Double(w) * f).rounded())), max(1, Int((Double(h) * f).rounded())))
    }

    /// The PNG (as a data URL) of `layer` over `extent`, and the extent it really covers.
    func image(layer: String, extent: Extent, maxSide: Int) throws -> (String, Extent)? {
        guard let (win, w, h) = window(extent, maxSide: maxSide) else { return nil }
        let rgba: [UInt8]
        if layer == "nep-missing" {
            // Accounted pixels (valid carbon stock) without NEP in red, with NEP in light grey.
            let nep = try Dataset(path: run.path + "/nep.tif").readResampled(band: 1, window: win, width: w, height: h)
            let carbon = try Dataset(path: run.path + "/carbon.tif").readResampled(band: 1, window: win, width: w, height: h)
            var px = [UInt8](repeating: 0, count: w * h * 4)
            for i in 0..<(w * h) where !carbon.values[i].isNaN {
                let missing = nep.values[i].isNaN
                px[4 * i] = missing ? 214 : 225
                px[4 * i + 1] = missing ? 39 : 225
                px[4 * i + 2] = missing ? 40 : 225
                px[4 * i + 3] = 255
            }
            rgba = px
        } else {
            let style = try LayerStyle.read(layer: layer, path: run.path + "/\(layer).tif")
            let img = try Dataset(path: run.path + "/\(layer).tif").readResampled(band: 1, window: win, width: w, height: h)
            var px = [UInt8](repeating: 0, count: w * h * 4)
            for i in 0..<(w * h) where !img.values[i].isNaN {
                let c = style.colour(img.values[i])
                px[4 * i] = c.x
                px[4 * i + 1] = c.y
                px[4 * i + 2] = c.z
                px[4 * i + 3] = 255
            }
            rgba = px
        }
        let png = try PNG.encode(rgba: rgba, width: w, height: h)
        let b = run.grid.bounds(of: win)
        return ("data:image/png;base64," + Data(png).base64EncodedString(), Extent(xmin: b.xmin, ymin: b.ymin, xmax: b.xmax, ymax: b.ymax))
    }

    /// The SVG of one map: the layer, outlines of `outlineLevels` (finest thin, coarser thick),
    /// names of the units of `labelLevel`, a scale bar and the legend.
    public func svg(layer: String, extent requested: Extent? = nil, labelLevel: String?, only: Set<String>? = nil,
                    highlight: String? = nil, maxSide: Int = 640, text: ReportText) throws -> String {
        guard let (href, e) = try image(layer: layer, extent: requested ?? fullExtent, maxSide: maxSide) else { return "" }
        let mapH = width * (e.ymax - e.ymin) / (e.xmax - e.xmin)
        let legendH = 58.0
        func px(_ p: SIMD2<Double>) -> (Double, Double) {
            ((p.x - e.xmin) / (e.xmax - e.xmin) * width, (e.ymax - p.y) / (e.ymax - e.ymin) * mapH)
        }
        var s = "<svg class=\"map\" viewBox=\"0 0 \(f(width)) \(f(mapH + legendH))\" role=\"img\" aria-label=\"\(Html.esc(layer))\">"
        s += "<defs><clipPath id=\"clip-\(Html.id(layer))-\(Int(e.xmin))-\(Int(e.ymax))\"><rect width=\"\(f(width))\" height=\"\(f(mapH))\"/></clipPath></defs>"
        let hatch = "nodata-\(Html.id(layer))-\(Int(e.xmin))-\(Int(e.ymax))"
        s += "<defs><pattern id=\"\(hatch)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b5b5b5\" stroke-width=\"1.5\"/></pattern></defs>"
        s += "<rect width=\"\(f(width))\" height=\"\(f(mapH))\" fill=\"url(#\(hatch))\"/>"
        s += "<image href=\"\(href)\" x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(mapH))\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\"/>"
        s += "<g clip-path=\"url(#clip-\(Html.id(layer))-\(Int(e.xmin))-\(Int(e.ymax)))\" fill=\"none\" stroke-linejoin=\"round\">"
        for (li, level) in run.levels.prefix(2).enumerated() {
            let stroke = li == 0 ? "stroke=\"#555\" stroke-width=\"0.8\"" : "stroke=\"#111\" stroke-width=\"2\""
            for u in run.shapes[level] ?? [] { s += "<path d=\"\(path(u, px))\" \(stroke)/>" }
        }
        if let highlight, let level = run.levels.dropFirst().first, let u = run.shapes[level]?.first(where: { $0.id == highlight }) {
            s += "<path d=\"\(path(u, px))\" stroke=\"#d62728\" stroke-width=\"3\"/>"
        }
        s += "</g>"
        if let labelLevel {
            for u in run.shapes[labelLevel] ?? [] where only == nil || only!.contains(u.id) {
                guard let c = Geometry2D.labelPoint(u.polygons) else { continue }
                let (x, y) = px(c)
                guard x > 0, x < width, y > 0, y < mapH else { continue }
                s += "<text x=\"\(f(x))\" y=\"\(f(y))\" class=\"label\">\(Html.esc(u.name))</text>"
            }
        }
        s += scaleBar(extent: e, mapH: mapH, text: text)
        s += try legend(layer: layer, top: mapH + 8, hatch: hatch, text: text)
        return s + "</svg>"
    }

    /// A unit's outline as SVG path data in map coordinates.
    func path(_ u: UnitShape, _ px: (SIMD2<Double>) -> (Double, Double)) -> String {
        var d = ""
        for poly in u.polygons {
            for ring in poly where !ring.isEmpty {
                // Vertices closer than half a map unit to the last one kept add nothing visible.
                var kept: [String] = []
                var last = (x: Double.nan, y: Double.nan)
                for p in ring {
                    let (x, y) = px(p)
                    if !kept.isEmpty, abs(x - last.x) < 0.5, abs(y - last.y) < 0.5 { continue }
                    kept.append("\(f(x)),\(f(y))")
                    last = (x, y)
                }
                d += "M" + kept.joined(separator: "L") + "Z"
            }
        }
        return d
    }

    func scaleBar(extent e: Extent, mapH: Double, text: ReportText) -> String {
        let geographic = (try? SpatialReference(definition: run.grid.crsWKT).isGeographic) ?? false
        // Metres per map unit: 1 for projected grids, the length of a degree of longitude at the
        // map's middle latitude for geographic ones.
        let metresPerUnit = geographic ? 111_320 * cos((e.ymin + e.ymax) / 2 * .pi / 180) : 1
        let mapMetres = (e.xmax - e.xmin) * metresPerUnit
        let target = mapMetres / 5
        let magnitude = pow(10, floor(log10(target)))
        let nice = [1.0, 2, 5, 10].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
        let barW = nice / mapMetres * width
        let label = nice >= 1000 ? "\(LayerStyle.label(nice / 1000)) km" : "\(LayerStyle.label(nice)) m"
        let x = 12.0, y = mapH - 14
        return "<g class=\"scalebar\"><rect x=\"\(f(x - 6))\" y=\"\(f(y - 22))\" width=\"\(f(barW + 12))\" height=\"30\" fill=\"#fff\" opacity=\"0.8\"/>"
            + "<rect x=\"\(f(x))\" y=\"\(f(y - 4))\" width=\"\(f(barW / 2))\" height=\"6\" fill=\"#222\"/>"
            + "<rect x=\"\(f(x + barW / 2))\" y=\"\(f(y - 4))\" width=\"\(f(barW / 2))\" height=\"6\" fill=\"#fff\" stroke=\"#222\"/>"
            + "<text x=\"\(f(x))\" y=\"\(f(y - 9))\" class=\"small\">0</text>"
            + "<text x=\"\(f(x + barW))\" y=\"\(f(y - 9))\" class=\"small\" text-anchor=\"end\">\(label)</text></g>"
    }

    func legend(layer: String, top: Double, hatch: String, text: ReportText) throws -> String {
        let nodata = "<rect x=\"\(f(width - 100))\" y=\"\(f(top))\" width=\"18\" height=\"14\" fill=\"url(#\(hatch))\" stroke=\"#888\"/>"
            + "<text x=\"\(f(width - 76))\" y=\"\(f(top + 12))\">\(Html.esc(text["no_data"]))</text>"
        if layer == "nep-missing" {
            return "<g class=\"legend\"><rect x=\"0\" y=\"\(f(top))\" width=\"18\" height=\"14\" fill=\"#d62728\"/>"
                + "<text x=\"24\" y=\"\(f(top + 12))\">\(Html.esc(text["nep_missing_legend"]))</text>"
                + "<rect x=\"300\" y=\"\(f(top))\" width=\"18\" height=\"14\" fill=\"#e1e1e1\"/>"
                + "<text x=\"324\" y=\"\(f(top + 12))\">\(Html.esc(text["nep_present_legend"]))</text>\(nodata)</g>"
        }
        let style = try LayerStyle.read(layer: layer, path: run.path + "/\(layer).tif")
        let barW = width * 0.55, x0 = 24.0
        let gid = "ramp-\(Html.id(layer))-\(Int(top))"
        var s = "<g class=\"legend\"><defs><linearGradient id=\"\(gid)\">"
        // Stops evenly spaced: the ramp is piecewise linear between its stops (quantiles).
        let k = Double(style.stops.count - 1)
        for (i, st) in style.stops.enumerated() { s += "<stop offset=\"\(f(Double(i) / k))\" stop-color=\"\(st.hex)\"/>" }
        s += "</linearGradient></defs><rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(barW))\" height=\"14\" fill=\"url(#\(gid))\" stroke=\"#888\"/>"
        for (i, st) in style.stops.enumerated() {
            let x = x0 + Double(i) / k * barW
            s += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top + 14))\" y2=\"\(f(top + 19))\" stroke=\"#444\"/>"
            s += "<text x=\"\(f(x))\" y=\"\(f(top + 31))\" text-anchor=\"middle\" class=\"small\">\(LayerStyle.label(st.value))</text>"
        }
        s += "<text x=\"\(f(x0 + barW + 16))\" y=\"\(f(top + 12))\">\(Html.esc(style.unit))</text>\(nodata)</g>"
        return s
    }
}

/// A number for SVG coordinates: two decimals, no exponent.
func f(_ x: Double) -> String { String(format: "%.2f", x) }

/// Plane geometry for label placement.
enum Geometry2D {
    /// The area-weighted centroid of the largest polygon's outer ring (a label point).
    static func labelPoint(_ polygons: [[[SIMD2<Double>]]]) -> SIMD2<Double>? {
        var best: (Double, SIMD2<Double>)? = nil
        for poly in polygons {
            guard let ring = poly.first, ring.count >= 3 else { continue }
            var a = 0.0, cx = 0.0, cy = 0.0
            for i in ring.indices {
                let p = ring[i], q = ring[(i + 1) % ring.count]
                let cross = p.x * q.y - q.x * p.y
                a += cross
                cx += (p.x + q.x) * cross
                cy += (p.y + q.y) * cross
            }
            guard a != 0 else { continue }
            let c = SIMD2(cx / (3 * a), cy / (3 * a))
            if best == nil || abs(a) > best!.0 { best = (abs(a), c) }
        }
        return best?.1
    }
}
