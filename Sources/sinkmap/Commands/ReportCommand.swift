import ArgumentParser
import Foundation
import SinkmapReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the accounting report of a run or series directory: one self-contained HTML page, and its PDF through headless Chromium."
    )

    @Argument(help: "A run directory (the --out of `sinkmap run`) or a series directory (of `sinkmap series`).")
    var dir: String

    @Option(help: "The HTML file (default: DIR/report.html).")
    var out: String?

    @Option(help: "Also print the report to this PDF file (needs Chromium).")
    var pdf: String?

    @Option(help: "Labels in zh or en (default: zh when the unit names are Chinese).")
    var lang: String?

    @Option(help: "The report's title.")
    var title: String?

    func validate() throws {
        if let lang, ReportText.Language(rawValue: lang) == nil {
            throw ValidationError("--lang must be zh or en (got '\(lang)')")
        }
    }

    func run() throws {
        try reportingErrors {
            let written = try ReportWriter.write(.init(runDir: dir, html: out, pdf: pdf, language: lang.flatMap(ReportText.Language.init(rawValue:)),
                                                       title: title))
            print("Report: " + written.joined(separator: " "))
        }
    }
}
