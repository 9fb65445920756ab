import Foundation
import GDALKit
import Testing
import TestSupport

/// `sinkmap report` on the demo run: the HTML's content, what Chromium renders of it, the PDF.
@Suite(.serialized) struct ReportTests {
    let fx = ReportRun.shared

    @Test func reportCommandSucceeds() throws {
        #expect(fx.run.status == 0, "\(fx.run.stderr)")
        #expect(fx.report.status == 0, "\(fx.report.stderr)")
        #expect(fx.report.stdout.contains("report.html") && fx.report.stdout.contains("report.pdf"))
    }

    @Test func htmlHoldsEveryUnitAndTheTotalsOfZonalCSV() throws {
        let html = fx.htmlText
        let zonal = try ZonalRows(path: fx.out + "/zonal.csv")
        for level in ["township", "county", "city"] {
            let units = zonal.units(level)
            #expect(!units.isEmpty)
            for u in units {
                #expect(html.contains(u["unit_name"]!), "\(level) \(u["unit_name"]!) missing")
                // Each unit's totals exactly as zonal.csv states them.
                for key in ["pixels", "area_ha", "npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e"] {
                    #expect(html.contains(">\(u[key]!)<"), "\(level) \(u["unit_id"]!) \(key) = \(u[key]!) not in the report")
                }
            }
        }
        // The scene total (the one city) in the summary figures.
        let city = try #require(zonal.units("city").first)
        #expect(html.contains("data-total=\"nep_tc\">\(city["nep_tc"]!)<"))
        #expect(html.contains("data-total=\"carbon_tc\">\(city["carbon_tc"]!)<"))
        // Every ecosystem/red-line split row of every unit is in the sortable tables.
        let splitCells = zonal.rows.filter { $0["ecosystem"] != "all" || $0["redline"] != "all" }
        for r in splitCells.prefix(400) where !(r["nep_tc"] ?? "").isEmpty {
            #expect(html.contains(">\(r["nep_tc"]!)<"), "split \(r["unit_id"]!) \(r["ecosystem"]!) \(r["redline"]!)")
        }
        // Scope: every input's checksum from summary.json, the months, the version.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fx.out + "/summary.json"))) as! [String: Any]
        for case let input as [String: Any] in summary["inputs"] as! [Any] {
            #expect(html.contains(input["sha256"] as! String))
        }
        #expect(html.contains("2023-01") && html.contains("2023-12") && html.contains("sinkmap 0.1.0"))
        #expect(html.contains("(EPSG:32651)") && !html.contains("EPSG:EPSG"))
        // Method: parameter values of the run (carbon fraction, a class's eps_max).
        #expect(html.contains("CF = 0.47") && html.contains("0.692"))
        // Maps: five layers and the missing-NEP map on the overview, one atlas map per county, legends in units.
        let maps = html.components(separatedBy: "<svg class=\"map\"").count - 1
        #expect(maps == 1 + 5 + 1 + zonal.units("county").count, "\(maps) maps")
        #expect(html.contains("gC m-2 yr-1") && html.contains("Mg C ha-1") && html.contains("Mg ha-1"))
        #expect(html.components(separatedBy: "class=\"scalebar\"").count - 1 == maps)
        // Data quality: the left-out causes with their counts, and the warnings of the run.
        let leftOut = summary["left_out"] as! [String: Any]
        #expect(html.contains("<td class=\"num\" data-v=\"\(leftOut["nep_missing"] as! Int)\">"))
        for case let w as String in summary["warnings"] as! [Any] {
            #expect(html.contains(w.replacingOccurrences(of: "&", with: "&amp;")), "warning missing: \(w)")
        }
    }

    @Test func htmlRequestsNothingFromTheNetwork() throws {
        let html = fx.htmlText
        #expect(!html.contains("http://") && !html.contains("https://"))
        // Every src and href is inline (data:) or a fragment of the page itself.
        let refs = try Regex(#"(?:src|href)\s*=\s*["']([^"']*)["']"#)
        var count = 0
        for m in html.matches(of: refs) {
            let value = String(m.output[1].substring ?? "")
            count += 1
            #expect(value.hasPrefix("data:") || value.hasPrefix("#"), "external reference \(value.prefix(80))")
        }
        #expect(count > 10)
        #expect(!html.contains("@import") && !html.contains("url(http") && !html.contains("<iframe"))
    }

    @Test func chromiumRendersThePageWithoutNetworkRequests() throws {
        let dir = TempDir("report-chromium")
        let shot = dir.file("report.png")
        let r = try Chromium.load(file: fx.html, extra: ["--screenshot=" + shot, "--window-size=1000,1600"], dir: dir, label: "report")
        #expect(r.result.status == 0, "\(r.result.stderr)")
        // Chromium's network log is empty: no request at all, the page's or the browser's own (see NetLog).
        #expect(!r.log.events.isEmpty, "no net log written")
        #expect(r.log.isEmpty, "net log: \(r.log.unexpected.prefix(20)) addresses \(r.log.addresses.prefix(20))")
        // Printing it to PDF with the switches of `report --pdf` asks for nothing either.
        let print = try Chromium.load(file: fx.html, extra: ["--no-pdf-header-footer", "--print-to-pdf=" + dir.file("print.pdf")], dir: dir, label: "print")
        #expect(print.result.status == 0 && FileManager.default.fileExists(atPath: dir.file("print.pdf")))
        #expect(print.log.isEmpty, "net log: \(print.log.unexpected.prefix(20)) addresses \(print.log.addresses.prefix(20))")
        // The criterion sees a page's requests: a control page with an external image and style sheet.
        try "<html><body><img src=\"http://127.0.0.1:9/x.png\"><link rel=stylesheet href=\"http://127.0.0.1:9/a.css\"></body></html>"
            .write(toFile: dir.file("control.html"), atomically: true, encoding: .utf8)
        let control = try Chromium.load(file: dir.file("control.html"), extra: ["--dump-dom"], dir: dir, label: "control")
        #expect(control.log.requestURLs.contains("http://127.0.0.1:9/x.png") && control.log.requestURLs.contains("http://127.0.0.1:9/a.css"))
        #expect(!control.log.isEmpty && control.log.unexpected.contains { $0.hasPrefix("URL_REQUEST_START_JOB") })

        // The screenshot is not blank: most of it is not white and the map has many colours.
        let png = try Dataset(path: shot)
        let w = png.width, h = png.height
        var planes = [[Float]](repeating: [Float](repeating: 0, count: w * h), count: 3)
        for b in 0..<3 { try planes[b].withUnsafeMutableBufferPointer { try png.readRaw(band: b + 1, window: Window(width: w, height: h), into: $0.baseAddress!) } }
        var nonWhite = 0
        var colours = Set<UInt32>()
        for i in 0..<(w * h) {
            let (cr, cg, cb) = (UInt32(planes[0][i]), UInt32(planes[1][i]), UInt32(planes[2][i]))
            if cr < 240 || cg < 240 || cb < 240 { nonWhite += 1 }
            colours.insert(cr << 16 | cg << 8 | cb)
        }
        #expect(w == 1000 && h == 1600)
        #expect(Double(nonWhite) / Double(w * h) > 0.25, "\(nonWhite) of \(w * h) pixels not white")
        #expect(colours.count > 200, "\(colours.count) colours")

        // The rendered DOM (after the page's script ran) names every township.
        let dom = try Chromium.load(file: fx.html, extra: ["--dump-dom"], dir: dir, label: "dom")
        #expect(dom.log.isEmpty, "net log: \(dom.log.unexpected.prefix(20)) addresses \(dom.log.addresses.prefix(20))")
        for u in try ZonalRows(path: fx.out + "/zonal.csv").units("township") {
            #expect(dom.result.stdout.contains(u["unit_name"]!))
        }
    }

    @Test func pdfHasTheSummaryPagesAndOneAtlasPagePerCounty() throws {
        let info = try runProcess("/usr/bin/pdfinfo", [fx.pdf])
        let pages = try #require(info.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last!) })
        let zonal = try ZonalRows(path: fx.out + "/zonal.csv")
        let counties = zonal.units("county")
        var text: [String] = []
        for p in 1...pages {
            text.append(try runProcess("/usr/bin/pdftotext", ["-f", "\(p)", "-l", "\(p)", "-layout", fx.pdf, "-"]).stdout)
        }
        let atlasPages = text.indices.filter { text[$0].contains("图集:") }
        // The atlas pages are the last ones, one per county in the table's order; the rest are the summary.
        #expect(atlasPages == Array((pages - counties.count)..<pages), "atlas pages \(atlasPages) of \(pages)")
        #expect(pages - counties.count >= 5, "\(pages - counties.count) summary pages")
        for (i, c) in counties.enumerated() {
            let page = text[pages - counties.count + i]
            #expect(page.contains(c["unit_name"]!) && page.contains(c["unit_id"]!))
            for t in zonal.units("township") where t["parent_id"] == c["unit_id"] {
                #expect(page.contains(t["unit_name"]!), "\(t["unit_name"]!) not on \(c["unit_name"]!)'s page")
                #expect(page.contains(t["nep_tc"]!))
            }
        }
        // The scene total, as zonal.csv states it, is found in the PDF's text.
        let all = text.joined(separator: "\n")
        let city = try #require(zonal.units("city").first)
        #expect(all.contains(city["nep_tc"]!) && all.contains(city["carbon_tc"]!))
        // Every font is embedded with a Unicode map (Chromium embeds them as Type 3), so the
        // Chinese names above came out of the PDF's own glyphs.
        let fonts = try runProcess("/usr/bin/pdffonts", [fx.pdf]).stdout.split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        for f in fonts {
            let cols = f.split(separator: " ", omittingEmptySubsequences: true)
            #expect(cols.count >= 7 && cols[cols.count - 5] == "yes" && cols[cols.count - 3] == "yes", "\(f)")
        }
    }

    @Test func englishLabelsAndTitle() throws {
        let dir = TempDir("report-en")
        let r = try sinkmap("report", fx.out, "--out", dir.file("en.html"), "--lang", "en", "--title", "Shangyu 2023")
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir.file("en.html"), encoding: .utf8)
        #expect(html.contains("<title>Shangyu 2023</title>") && html.contains("lang=\"en\""))
        #expect(html.contains("Data quality") && html.contains("Atlas: ") && !html.contains("数据质量"))
    }

    @Test func refusesWhatIsNotARun() throws {
        let dir = TempDir("report-bad")
        let missing = try sinkmap("report", dir.file("nowhere"))
        #expect(missing.status == 1 && missing.stderr == "sinkmap: error: \(dir.file("nowhere")): no such directory\n")
        let notRun = try sinkmap("report", dir.path)
        #expect(notRun.status == 1 && notRun.stderr.contains("not a sinkmap run directory (no summary.json)"))
        let lang = try sinkmap("report", fx.out, "--lang", "fr")
        #expect(lang.status == 64 && lang.stderr.contains("--lang must be zh or en"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
