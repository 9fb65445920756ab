import Foundation
import SinkmapArchive
import SinkmapAccounting

/// The HTML report of a run directory: one self-contained page (styles, script, maps and
/// charts inline; no URL of any kind), with an atlas page per unit of the second level that
/// prints on a page of its own. For a series directory, `run` is its last year and the series
/// sections (`ReportSeries`) cover every year.
public struct ReportBuilder {
    public let run: RunDirectory
    public let series: SeriesDirectory?
    public let text: ReportText
    public let title: String
    let maps: MapRenderer

    public init(run: RunDirectory, series: SeriesDirectory? = nil, language: ReportText.Language?, title: String?) {
        self.run = run
        self.series = series
        let names = run.zonal.map(\.unitName)
        text = ReportText(language ?? ReportText.defaultLanguage(names: names))
        let scope = series.map { "\($0.summary.series.name) \($0.years.first.map(String.init) ?? "")–\($0.years.last.map(String.init) ?? "")" }
        self.title = title ?? "\(text["title"]) · \(scope ?? run.summary.scene.name)"
        maps = MapRenderer(run: run)
    }

    /// The levels' display order and the units of the atlas (the second level, or the only one).
    var atlasLevel: String? { run.levels.count > 1 ? run.levels[1] : run.levels.first }

    public func html() throws -> String {
        var body = "<header><h1>\(Html.esc(title))</h1>"
        if let series {
            body += "<p class=\"sub\">\(Html.esc(text["series"])) \(Html.esc(series.summary.series.name)): \(series.years.map(String.init).joined(separator: ", "))</p>"
        }
        body += "<p class=\"sub\">\(Html.esc(run.summary.scene.name)) · \(Html.esc(run.summary.months.first ?? ""))–\(Html.esc(run.summary.months.last ?? "")) · sinkmap \(Html.esc(run.summary.software.version))</p></header>"
        body += contents()
        body += section("summary", try summary())
        body += section("scope", scope())
        body += section("method", method())
        body += section("results", results())
        body += section("maps", try mapSection())
        body += section("charts", charts())
        if let series { body += section("series", seriesSection(series)) }
        body += section("quality", try quality())
        body += section("suggestions", suggestions())
        if !run.extras.isEmpty { body += section("extras", extras()) }
        body += try atlas()
        body += "<p class=\"note\">\(Html.esc(text[series == nil ? "generated_by" : "generated_by_series"]))</p>"
        let lang = text.language == .zh ? "zh-CN" : "en"
        return """
        <!DOCTYPE html>
        <html lang="\(lang)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Html.esc(title))</title>
        <style>\(ReportAssets.css)</style>
        </head><body>
        \(body)
        <script>\(ReportAssets.script)</script>
        </body></html>

        """
    }

    static let sectionKeys = ["summary", "scope", "method", "results", "maps", "charts", "quality", "suggestions"]

    func contents() -> String {
        var keys = ReportBuilder.sectionKeys
        if series != nil { keys.insert("series", at: keys.firstIndex(of: "charts")! + 1) }
        if !run.extras.isEmpty { keys.append("extras") }
        keys.append("atlas")
        return "<nav><b>\(Html.esc(text["contents"]))</b>: " + keys.map { "<a href=\"#\($0)\">\(Html.esc(text[$0]))</a>" }.joined(separator: " · ") + "</nav>"
    }

    func section(_ key: String, _ content: String) -> String {
        "<section class=\"section\" id=\"\(key)\"><h2>\(Html.esc(text[key]))</h2>\(content)</section>"
    }

    /// The scene total as zonal.csv states it: the coarsest level's single unit when there is
    /// one, else summary.json's figure.
    func sceneTotal(_ key: String) -> String {
        if let coarsest = run.levels.last {
            let rows = run.unitRows(level: coarsest)
            if rows.count == 1, let v = rows[0].fields[key], !v.isEmpty { return v }
        }
        let t = run.summary.totals
        let values: [String: Double] = ["area_ha": t.areaHa, "npp_tc": t.nppTc, "rh_tc": t.rhTc, "nep_tc": t.nepTc, "carbon_tc": t.carbonTc,
                                        "nep_tco2e": t.nepTco2e, "carbon_tco2e": t.carbonTco2e, "pixels": Double(t.pixels)]
        return values[key].map(NumberText.shortest) ?? ""
    }

    func summary() throws -> String {
        var s = "<div class=\"kpis\">"
        for key in ["area_ha", "npp_tc", "rh_tc", "nep_tc", "nep_tco2e", "carbon_tc"] {
            s += "<div class=\"kpi\">\(Html.esc(text[key]))<b data-total=\"\(key)\">\(Html.esc(sceneTotal(key)))</b></div>"
        }
        s += "</div><p>\(Html.esc(text["scene_total"])): \(Html.esc(text["pixels"])) \(run.summary.totals.pixels), \(Html.esc(text["pixels_nep"])) \(run.summary.totals.pixelsNEP).</p>"
        if let finest = run.levels.first {
            let map = try maps.svg(layer: "nep", labelLevel: finest, maxSide: 512, text: text)
            if !map.isEmpty { s += "<figure><figcaption>\(Html.esc(text["map_nep"]))</figcaption>\(map)</figure>" }
        }
        return s
    }

    func scope() -> String {
        let sm = run.summary
        let g = sm.grid
        let pixelSize = abs(g.geotransform.count > 1 ? g.geotransform[1] : 0)
        var rows: [[String]] = [
            [text["scene"], "\(sm.scene.name) (\(sm.scene.file))"],
            [text["area"], "\(sceneTotal("area_ha")) ha"],
            [text["grid"], "\(g.width) × \(g.height) = \(g.pixels) px, \(NumberText.shortest(pixelSize))"],
            [text["crs"], g.crs + (g.epsg.map { " (\($0.hasPrefix("EPSG:") ? $0 : "EPSG:" + $0))" } ?? "")],
            [text["months"], sm.months.joined(separator: ", ")],
            [text["units_per_level"], run.levels.map { "\($0): \(run.unitRows(level: $0).count)" }.joined(separator: "; ")],
            [text["software"], "\(sm.software.name) \(sm.software.version), GDAL \(sm.software.gdal), \(sm.software.build)"],
        ]
        rows.append([text["run"], "\(sm.run.startedUTC) – \(sm.run.finishedUTC), \(sm.run.threads) threads, \(sm.run.tiles) tiles"])
        var s = "<table class=\"facts\"><tbody>" + rows.map { "<tr><th>\(Html.esc($0[0]))</th><td>\(Html.esc($0[1]))</td></tr>" }.joined() + "</tbody></table>"
        s += "<h3>\(Html.esc(text["inputs"]))</h3>"
        s += "<table class=\"sortable\"><thead><tr><th>\(Html.esc(text["role"]))</th><th>\(Html.esc(text["file"]))</th><th>\(Html.esc(text["bytes"]))</th><th>SHA-256</th></tr></thead><tbody>"
        for i in sm.inputs {
            s += "<tr><td>\(Html.esc(i.role))</td><td>\(Html.esc(i.path))</td><td class=\"num\" data-v=\"\(i.bytes)\">\(i.bytes)</td><td class=\"hash\">\(i.sha256)</td></tr>"
        }
        s += "</tbody></table>"
        if run.hasStac { s += "<p class=\"note\">\(Html.esc(text["stac"]))</p>" }
        return s
    }

    func method() -> String {
        let p = run.summary.parameters
        var s = "<p>\(Html.esc(text["equations"])):</p>"
        let eqs = [
            "FPAR<sub>m</sub> = clamp(α·FPAR<sub>NDVI</sub> + (1 − α)·FPAR<sub>SR</sub>, FPAR<sub>min</sub>, FPAR<sub>max</sub>), α = 0.5, FPAR<sub>min</sub> = 0.001, FPAR<sub>max</sub> = 0.95, NDVI clamped to [ndvi_min, ndvi_max] of the class",
            "APAR<sub>m</sub> = SOL<sub>m</sub> · FPAR<sub>m</sub> · 0.5",
            "Tε1 = 0.8 + 0.02·T<sub>opt</sub> − 0.0005·T<sub>opt</sub>² (0 when T<sub>m</sub> ≤ −10 °C); Tε2 = 1.184 / ((1 + e<sup>0.2(T<sub>opt</sub> − 10 − T)</sup>)(1 + e<sup>0.3(−T<sub>opt</sub> − 10 + T)</sup>))",
            "Wε<sub>m</sub> = 0.5 + 0.5 · min(1, EET<sub>m</sub> / PET<sub>m</sub>) (Thornthwaite PET, Zhou &amp; Zhang regional ET)",
            "NPP = Σ<sub>m</sub> APAR<sub>m</sub> · Tε1 · Tε2<sub>m</sub> · Wε<sub>m</sub> · ε<sub>max</sub> (gC m⁻² yr⁻¹), ε<sub>max</sub> per class below",
            p.respiration.model == "q10"
                ? "Rh = Σ<sub>m</sub> r<sub>ref</sub> · 30 · Q10<sup>(T<sub>m</sub> − T<sub>ref</sub>)/10</sup>, r<sub>ref</sub> = \(NumberText.shortest(p.respiration.rRef ?? 0)), Q10 = \(NumberText.shortest(p.respiration.q10 ?? 0)), T<sub>ref</sub> = \(NumberText.shortest(p.respiration.tRef ?? 0)) °C"
                : "Rh = Σ<sub>m</sub> 0.22 · (e<sup>0.0912·T<sub>m</sub></sup> + ln(0.3145·P<sub>m</sub> + 1)) · 30 · 0.465 (Pei et al. 2009)",
            "NEP = NPP − Rh (positive: a sink); NEP in tCO₂e = NEP in tC × 44/12",
            "AGB = agb_a · h<sup>agb_b</sup> where canopy height h is known and the class has an allometry, else c_above / CF; C<sub>total</sub> = C<sub>above</sub> + C<sub>below</sub> + c_soil + c_dead, CF = \(NumberText.shortest(p.carbonFraction))",
        ]
        for e in eqs { s += "<div class=\"eq\">\(e)</div>" }
        s += "<h3>\(Html.esc(text["class_table"])) (\(Html.esc(p.table)))</h3>"
        let header = ["code", "name", "ecosystem", "eps_max", "ndvi_min", "ndvi_max", "agb_a", "agb_b", "root_shoot", "c_above", "c_below", "c_soil", "c_dead"]
        let rows = p.classes.map { c in
            [String(c.code), c.name, c.ecosystem, NumberText.shortest(c.epsMax), NumberText.shortest(c.ndviMin), NumberText.shortest(c.ndviMax),
             c.agbA.map(NumberText.shortest) ?? "", c.agbB.map(NumberText.shortest) ?? "", NumberText.shortest(c.rootShoot),
             NumberText.shortest(c.cAbove), NumberText.shortest(c.cBelow), NumberText.shortest(c.cSoil), NumberText.shortest(c.cDead)]
        }
        return s + Html.table(header: header, rows: rows, numeric: { $0 == 0 || $0 >= 3 })
    }
}
