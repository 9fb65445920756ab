import Foundation
import SinkmapBase

/// `sinkmap report`: the HTML page (and optionally its PDF) of a run or series directory.
public enum ReportWriter {
    public struct Options: Sendable {
        public var runDir: String
        public var html: String?
        public var pdf: String?
        public var language: ReportText.Language?
        public var title: String?
        public init(runDir: String, html: String?, pdf: String?, language: ReportText.Language?, title: String?) {
            self.runDir = runDir
            self.html = html
            self.pdf = pdf
            self.language = language
            self.title = title
        }
    }

    /// Writes the report; returns the files written.
    public static func write(_ o: Options) throws -> [String] {
        let page: String
        if SeriesDirectory.isSeries(o.runDir) {
            let series = try SeriesDirectory(path: o.runDir)
            page = try ReportBuilder(run: series.latest, series: series, language: o.language, title: o.title).html()
        } else {
            page = try ReportBuilder(run: try RunDirectory(path: o.runDir), language: o.language, title: o.title).html()
        }
        let htmlPath = o.html ?? (o.runDir + "/report.html")
        let tmp = htmlPath + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: tmp))
            if FileManager.default.fileExists(atPath: htmlPath) { try FileManager.default.removeItem(atPath: htmlPath) }
            try FileManager.default.moveItem(atPath: tmp, toPath: htmlPath)
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw Refusal("\(htmlPath): cannot write the report (\(error.localizedDescription))")
        }
        var written = [htmlPath]
        if let pdf = o.pdf {
            try PDFPrinter.print(html: htmlPath, to: pdf)
            written.append(pdf)
        }
        return written
    }
}
