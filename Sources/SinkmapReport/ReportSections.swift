import Foundation
import SinkmapAccounting

/// The results, maps, charts, data quality, suggestions, extra tables and atlas of the report.
extension ReportBuilder {
    static let figureKeys = ["pixels", "pixels_nep", "area_ha", "lc_missing_ha", "npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e", "carbon_tco2e"]

    /// A table of zonal.csv rows, with the figures exactly as the CSV states them.
    func zonalTable(_ rows: [ZonalRecord], splits: Bool, caption: String? = nil) -> String {
        let keys = ReportBuilder.figureKeys.filter { run.zonalHeader.contains($0) }
        var header = [text["unit_id"], text["unit_name"]]
        if splits { header += [text["ecosystem"], text["redline"]] }
        header += keys.map { text[$0] }
        let fixed = splits ? 4 : 2
        let body = rows.map { r -> [String] in
            var cells = [r.unitID, r.unitName]
            if splits { cells += [r.ecosystem, r.redline] }
            return cells + keys.map { r.fields[$0] ?? "" }
        }
        return Html.table(header: header, rows: body, caption: caption, numeric: { $0 >= fixed })
    }

    func results() -> String {
        var s = ""
        for level in run.levels {
            let units = run.unitRows(level: level)
            s += "<h3>\(Html.esc(text["level"])): \(Html.esc(level)) (\(units.count))</h3>"
            s += zonalTable(units, splits: false)
            let splits = run.zonal.filter { $0.level == level && !($0.ecosystem == "all" && $0.redline == "all") }
            if !splits.isEmpty {
                s += "<details open><summary>\(Html.esc(text["ecosystem"])) / \(Html.esc(text["redline"])): \(splits.count)</summary>"
                s += zonalTable(splits, splits: true) + "</details>"
            }
        }
        return s
    }

    static let mapLayers = ["nep", "npp", "rh", "carbon", "agb"]

    func mapSection() throws -> String {
        var s = "<div class=\"maps\">"
        for layer in ReportBuilder.mapLayers {
            let svg = try maps.svg(layer: layer, labelLevel: run.levels.first, text: text)
            s += "<figure><figcaption>\(Html.esc(text["map_" + layer]))</figcaption>\(svg)</figure>"
        }
        return s + "</div>"
    }

    func value(_ r: ZonalRecord, _ key: String) -> Double { r.number(key) ?? 0 }

    func charts() -> String {
        guard let level = run.levels.first else { return "" }
        let units = run.unitRows(level: level)
        var s = "<h3>\(Html.esc(text["chart_nep"])) (\(Html.esc(level)))</h3>"
        s += Charts.bars(units.map { ($0.unitName, [("nep", value($0, "nep_tc"))]) }, unit: "tC/yr", colour: "#01665e")
        s += "<h3>\(Html.esc(text["chart_carbon"])) (\(Html.esc(level)))</h3>"
        s += Charts.bars(units.map { ($0.unitName, [("carbon", value($0, "carbon_tc"))]) }, unit: "tC", colour: "#2c7fb8")
        let eco = units.map { u in
            (u.unitName, run.rows(level: level, unit: u.unitID).filter { $0.ecosystem != "all" && $0.redline == "all" }.map { ($0.ecosystem, value($0, "nep_tc")) })
        }
        s += "<h3>\(Html.esc(text["chart_eco"]))</h3>" + Charts.bars(eco, unit: "tC/yr")
        let red = units.map { u in
            (u.unitName, run.rows(level: level, unit: u.unitID).filter { $0.ecosystem == "all" && $0.redline != "all" }.map { ($0.redline, value($0, "nep_tc")) })
        }
        if red.contains(where: { !$0.1.isEmpty }) { s += "<h3>\(Html.esc(text["chart_red"]))</h3>" + Charts.bars(red, unit: "tC/yr") }
        return s
    }

    func quality() throws -> String {
        let lo = run.summary.leftOut
        let causes: [(String, Int64)] = [
            ("landcover_nodata", lo.landcoverNodata), ("unknown_code_pixels", lo.unknownCodePixels), ("outside_zones", lo.outsideZones),
            ("nep_missing", lo.nepMissing), ("monthly_input_nodata", lo.monthlyInputNodata), ("negative_precipitation", lo.negativePrecipitation),
            ("invalid_input_values", lo.invalidInputValues), ("implausible_values", lo.implausibleValues), ("canopy_missing", lo.canopyMissing),
        ]
        var s = Html.table(header: [text["cause"], "key", text["count"]], rows: causes.map { [text[$0.0], $0.0, String($0.1)] },
                           caption: text["left_out"], numeric: { $0 == 2 })
        if !lo.unknownCodes.isEmpty {
            s += "<p>\(Html.esc(text["unknown_code_pixels"])): " + lo.unknownCodes.map { "\($0.code) (\($0.pixels) px)" }.joined(separator: ", ") + "</p>"
        }
        s += "<figure><figcaption>\(Html.esc(text["map_nep-missing"]))</figcaption>"
        s += try maps.svg(layer: "nep-missing", labelLevel: run.levels.first, text: text) + "</figure>"
        if let level = run.levels.first {
            let rows = run.unitRows(level: level).map { u -> [String] in
                let px = value(u, "pixels"), nep = value(u, "pixels_nep")
                return [u.unitID, u.unitName, u.fields["pixels"] ?? "", u.fields["pixels_nep"] ?? "",
                        px > 0 ? String(format: "%.1f", 100 * (px - nep) / px) : "", u.fields["lc_missing_ha"] ?? ""]
            }
            s += Html.table(header: [text["unit_id"], text["unit_name"], text["pixels"], text["pixels_nep"], text["missing_share"], text["lc_missing_ha"]],
                            rows: rows, caption: text["where_missing"], numeric: { $0 >= 2 })
        }
        s += "<h3>\(Html.esc(text["warnings"]))</h3>"
        s += run.summary.warnings.isEmpty ? "<p>\(Html.esc(text["no_warnings"]))</p>"
            : "<ul>" + run.summary.warnings.map { "<li>\(Html.esc($0))</li>" }.joined() + "</ul>"
        return s
    }

    /// What a reviewer should look at, found in the figures.
    func suggestionItems() -> [String] {
        var out: [String] = []
        let zh = text.language == .zh
        guard let level = run.levels.first else { return out }
        for u in run.unitRows(level: level) {
            let px = value(u, "pixels"), nepPx = value(u, "pixels_nep")
            if px > 0, nepPx < px, (px - nepPx) / px > 0.01 {
                let share = String(format: "%.1f", 100 * (px - nepPx) / px)
                out.append(zh ? "\(u.unitName)（\(u.unitID)）：\(share)% 的已核算像元缺少NEP，其NEP合计偏低，请先补齐月度输入再用于生态补偿。"
                              : "\(u.unitName) (\(u.unitID)): \(share) % of its accounted pixels have no NEP, so its NEP total is understated; complete the monthly inputs before using it for compensation.")
            }
            let area = value(u, "area_ha"), missing = value(u, "lc_missing_ha")
            if area > 0, missing / area > 0.01 {
                let share = String(format: "%.1f", 100 * missing / area)
                out.append(zh ? "\(u.unitName)（\(u.unitID)）：\(share)% 的面积没有有效土地覆被。"
                              : "\(u.unitName) (\(u.unitID)): \(share) % of its area has no valid land cover.")
            }
            if let nep = u.number("nep_tc"), nep < 0 {
                out.append(zh ? "\(u.unitName)（\(u.unitID)）：NEP 为负（\(u.fields["nep_tc"] ?? "")），该单元为碳源，请核查其土地覆被与气候输入。"
                              : "\(u.unitName) (\(u.unitID)): NEP is negative (\(u.fields["nep_tc"] ?? "") tC/yr), a carbon source; check its land cover and climate inputs.")
            }
        }
        out += uncertaintyItems(level: level)
        let lo = run.summary.leftOut
        if lo.unknownCodePixels > 0 {
            let codes = lo.unknownCodes.map { "\($0.code)" }.joined(separator: ", ")
            out.append(zh ? "土地覆被代码 \(codes) 不在参数表中（\(lo.unknownCodePixels) 个像元未核算）：请在参数表中补充。"
                          : "Land-cover codes \(codes) are not in the parameter table (\(lo.unknownCodePixels) pixels not accounted): add them to the table.")
        }
        if run.summary.totals.pixels > 0, Double(lo.canopyMissing) / Double(run.summary.totals.pixels) > 0.05 {
            let share = String(format: "%.1f", 100 * Double(lo.canopyMissing) / Double(run.summary.totals.pixels))
            out.append(zh ? "\(share)% 的像元没有冠层高度，其碳储量取自参数表的碳库。" : "\(share) % of the pixels have no canopy height; their carbon stock comes from the table's pools.")
        }
        return out
    }

    /// From `uncertainty.csv`, when present: units whose NEP is not a sink at 90 % (the interval
    /// holds 0), and units whose accounted NEP lies outside the Monte Carlo's 90 % interval.
    func uncertaintyItems(level: String) -> [String] {
        guard let table = run.extras.first(where: { $0.0 == "uncertainty.csv" })?.1,
              let lv = table.column("level"), let id = table.column("unit_id"), let name = table.column("unit_name"),
              let q = table.column("quantity"), let p05 = table.column("p05"), let p95 = table.column("p95") else { return [] }
        let zh = text.language == .zh
        var out: [String] = []
        for r in table.rows where r.count == table.header.count && r[lv] == level && r[q] == "nep_tc" {
            guard let lo = Double(r[p05]), let hi = Double(r[p95]) else { continue }
            let interval = "[\(r[p05]), \(r[p95])]"
            if lo <= 0 && hi >= 0 {
                out.append(zh ? "\(r[name])（\(r[id])）：NEP 的 90% 区间 \(interval) 包含 0，该单元在 90% 置信水平下不能认定为碳汇。"
                              : "\(r[name]) (\(r[id])): the 90 % interval of NEP \(interval) tC/yr holds 0; the unit is not a sink at 90 % confidence.")
            }
            if let point = run.unitRows(level: level).first(where: { $0.unitID == r[id] })?.number("nep_tc"), point < lo || point > hi {
                out.append(zh ? "\(r[name])（\(r[id])）：核算的 NEP（\(NumberText.shortest(point))）落在蒙特卡洛 90% 区间 \(interval) 之外，两种估计不一致，请核查参数标准差。"
                              : "\(r[name]) (\(r[id])): the accounted NEP (\(NumberText.shortest(point)) tC/yr) lies outside the Monte Carlo's 90 % interval \(interval); the two estimates disagree, check the parameters' standard deviations.")
            }
        }
        return out
    }

    func suggestions() -> String {
        let items = suggestionItems() + (series.map(seriesSuggestionItems) ?? [])
        return items.isEmpty ? "<p>\(Html.esc(text["no_suggestions"]))</p>"
            : "<ul class=\"suggest\">" + items.map { "<li>\(Html.esc($0))</li>" }.joined() + "</ul>"
    }

    func extras() -> String {
        var s = ""
        for (name, table) in run.extras {
            let shown = Array(table.rows.prefix(300))
            let caption = shown.count < table.rows.count ? "\(name) (\(shown.count) / \(table.rows.count))" : name
            s += "<details open><summary>\(Html.esc(name))</summary>"
            s += Html.table(header: table.header, rows: shown, caption: caption, numeric: { _ in true }) + "</details>"
        }
        return s
    }

    /// One page per unit of the atlas level: its map (NEP, with the names of its finer units)
    /// and the table of its finer units and itself.
    func atlas() throws -> String {
        guard let level = atlasLevel else { return "" }
        let finest = run.levels.first!
        var s = "<div id=\"atlas\"></div>"
        for u in run.unitRows(level: level) {
            let shape = run.shapes[level]?.first { $0.id == u.unitID }
            let children = level == finest ? [u] : run.unitRows(level: finest).filter { $0.parentID == u.unitID }
            s += "<section class=\"atlas\" data-unit=\"\(Html.esc(u.unitID))\"><h2>\(Html.esc(text["atlas"])): \(Html.esc(u.unitName)) (\(Html.esc(u.unitID)))</h2>"
            if let shape, let extent = maps.extent(of: shape) {
                // Fewer millimetres of map for more table rows, so a unit keeps to one A4 page.
                s += "<div style=\"--atlas-map: \(max(70, 165 - 6 * children.count))mm\">"
                var atlasMaps = maps
                atlasMaps.width = 560
                s += try atlasMaps.svg(layer: "nep", extent: extent, labelLevel: finest, only: Set(children.map(\.unitID)),
                                       highlight: level == finest ? nil : u.unitID, maxSide: 700, text: text)
                s += "</div>"
            }
            s += zonalTable(children + (level == finest ? [] : [u]), splits: false)
            s += "</section>"
        }
        return s
    }
}
