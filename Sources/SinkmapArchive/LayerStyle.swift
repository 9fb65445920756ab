import Foundation
import GDALKit
import SinkmapKernels

/// The colour ramp of an output layer, shared by the report's maps and the QGIS style (`.qml`)
/// written beside each COG, so both show the same colours for the same values.
///
/// The ramp is a pure function of the layer and its COG's smallest overview of at least 256
/// pixels: stops at the 2nd, 25th, 50th, 75th and 98th percentiles of the valid values (the ends
/// rounded outwards to two significant digits); NEP's ramp is diverging, linear and symmetric about 0
/// (sink green, source brown).
public struct LayerStyle: Sendable, Equatable {
    public struct Stop: Sendable, Equatable {
        public var value: Double
        public var rgb: SIMD3<UInt8>
        public var hex: String { String(format: "#%02x%02x%02x", rgb.x, rgb.y, rgb.z) }
    }
    public var layer: String
    public var title: String
    public var unit: String
    public var stops: [Stop]

    /// The five colours of each layer's ramp, low to high.
    static let palettes: [String: [UInt32]] = [
        "nep": [0x8c510a, 0xd8b365, 0xf5f5f5, 0x5ab4ac, 0x01665e],   // BrBG, diverging
        "npp": [0xffffcc, 0xc2e699, 0x78c679, 0x31a354, 0x006837],   // YlGn
        "rh": [0xffffd4, 0xfed98e, 0xfe9929, 0xd95f0e, 0x993404],    // YlOrBr
        "agb": [0xedf8e9, 0xbae4b3, 0x74c476, 0x31a354, 0x006d2c],   // Greens
        "carbon": [0xffffcc, 0xa1dab4, 0x41b6c4, 0x2c7fb8, 0x253494], // YlGnBu
    ]

    /// The overview edge the ramp (and the report's maps) are made from.
    public static let overviewSide = 256

    /// The style of output `layer` (one of `OutputLayers.names`) from values of its overview.
    public static func make(layer: String, title: String, unit: String, values: [Float]) -> LayerStyle {
        var valid = values.filter { !$0.isNaN }
        valid.sort()
        func percentile(_ p: Double) -> Double {
            valid.isEmpty ? 0 : Double(valid[min(valid.count - 1, Int((Double(valid.count - 1) * p).rounded()))])
        }
        var lo = percentile(0.02), hi = percentile(0.98)
        let colours = palettes[layer] ?? palettes["npp"]!
        let n = colours.count
        var values: [Double]
        if layer == "nep" {
            let m = niceUp(max(abs(lo), abs(hi), 1e-9))
            values = (0..<n).map { -m + 2 * m * Double($0) / Double(n - 1) }
        } else {
            // Quantile stops (2nd, 25th, 50th, 75th, 98th percentile): the colours follow the
            // values' distribution, so a layer whose values crowd near one end (Rh, from smooth
            // climate) is not one colour. Ends rounded outwards to two significant digits, inner
            // stops to three; evenly spaced between the ends when rounding would merge stops.
            lo = lo < 0 ? -niceUp(-lo) : niceDown(lo)
            hi = hi > 0 ? niceUp(hi) : -niceDown(-hi)
            if hi <= lo { hi = lo + 1 }
            values = [lo] + (1..<(n - 1)).map { round3(percentile(Double($0) / Double(n - 1))) } + [hi]
            if !zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) {
                values = (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
            }
        }
        let stops = colours.enumerated().map { i, c in
            Stop(value: values[i], rgb: SIMD3(UInt8(c >> 16 & 0xff), UInt8(c >> 8 & 0xff), UInt8(c & 0xff)))
        }
        return LayerStyle(layer: layer, title: title, unit: unit, stops: stops)
    }

    /// The style of a COG written by `run`, from its overview.
    public static func read(layer: String, path: String) throws -> LayerStyle {
        let ds = try Dataset(path: path)
        let info = try ds.bandInfo(1)
        let image = try ds.readOverview(band: 1, minSide: overviewSide)
        let band = OutputLayers.names.firstIndex(of: layer).map { OutputLayers.bands[$0] }
        return make(layer: layer, title: band?.description ?? info.description, unit: band?.unit ?? "", values: image.values)
    }

    /// x rounded to three significant digits.
    static func round3(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let step = pow(10, floor(log10(abs(x))) - 2)
        return (x / step).rounded() * step
    }

    /// x rounded up to two significant digits (x > 0).
    public static func niceUp(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let step = pow(10, floor(log10(x)) - 1)
        return (x / step - 1e-9).rounded(.up) * step
    }

    /// x rounded down to two significant digits (x ≥ 0).
    public static func niceDown(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let step = pow(10, floor(log10(x)) - 1)
        return (x / step + 1e-9).rounded(.down) * step
    }

    /// The ramp's colour of a value (clamped to the ramp's ends), linear between stops.
    @inline(__always)
    public func colour(_ v: Float) -> SIMD3<UInt8> {
        let x = Double(v)
        if x <= stops[0].value { return stops[0].rgb }
        for i in 1..<stops.count where x <= stops[i].value {
            let a = stops[i - 1], b = stops[i]
            let t = (x - a.value) / (b.value - a.value)
            let ca = SIMD3<Double>(Double(a.rgb.x), Double(a.rgb.y), Double(a.rgb.z))
            let cb = SIMD3<Double>(Double(b.rgb.x), Double(b.rgb.y), Double(b.rgb.z))
            let c = (ca + (cb - ca) * t).rounded(.toNearestOrEven)
            return SIMD3(UInt8(c.x), UInt8(c.y), UInt8(c.z))
        }
        return stops[stops.count - 1].rgb
    }

    /// A stop's value as text (no needless digits).
    public static func label(_ v: Double) -> String {
        let r = (v * 1e6).rounded() / 1e6
        return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : String(r)
    }

    /// The QGIS style (QGIS 3 single-band pseudocolour, interpolated) of this ramp for band 1;
    /// the band's name and unit are in the labels and in a custom property.
    public func qml() -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let lo = LayerStyle.label(stops[0].value), hi = LayerStyle.label(stops[stops.count - 1].value)
        var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <qgis version="3.28" styleCategories="Symbology">
          <customproperties>
            <Option type="Map">
              <Option type="QString" name="sinkmap_band" value="\(esc(layer))"/>
              <Option type="QString" name="sinkmap_title" value="\(esc(title))"/>
              <Option type="QString" name="sinkmap_unit" value="\(esc(unit))"/>
            </Option>
          </customproperties>
          <pipe>
            <rasterrenderer type="singlebandpseudocolor" band="1" opacity="1" alphaBand="-1" nodataColor="" classificationMin="\(lo)" classificationMax="\(hi)">
              <rasterTransparency/>
              <minMaxOrigin><limits>None</limits><extent>WholeRaster</extent><statAccuracy>Estimated</statAccuracy><cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper><stdDevFactor>2</stdDevFactor></minMaxOrigin>
              <rastershader>
                <colorrampshader colorRampType="INTERPOLATED" classificationMode="2" clip="0" minimumValue="\(lo)" maximumValue="\(hi)" labelPrecision="2">

        """
        for s in stops {
            let v = LayerStyle.label(s.value)
            xml += "          <item alpha=\"255\" value=\"\(v)\" label=\"\(esc(layer)) \(v) \(esc(unit))\" color=\"\(s.hex)\"/>\n"
        }
        xml += """
                </colorrampshader>
              </rastershader>
            </rasterrenderer>
            <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
            <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0"/>
            <rasterresampler maxOversampling="2"/>
          </pipe>
          <blendMode>0</blendMode>
        </qgis>

        """
        return xml
    }
}
