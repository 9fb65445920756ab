import Foundation
import GDALKit
import TestSupport

/// One run of the demo scene and its report (HTML and PDF), shared by the report's tests.
final class ReportRun: Sendable {
    static let shared = ReportRun()
    let dir = TempDir("report")
    var out: String { dir.file("out") }
    var html: String { dir.file("report.html") }
    var pdf: String { dir.file("report.pdf") }
    let run: ProcessResult
    let report: ProcessResult

    init() {
        run = try! sinkmap("run", Repo.demoScene, "--out", dir.file("out"), "--quiet")
        report = try! sinkmap("report", dir.file("out"), "--out", dir.file("report.html"), "--pdf", dir.file("report.pdf"))
    }

    var htmlText: String { (try? String(contentsOfFile: html, encoding: .utf8)) ?? "" }
}

/// zonal.csv as records of text fields by column (its fields hold no commas but names in quotes).
struct ZonalRows {
    let rows: [[String: String]]

    init(path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        rows = lines.dropFirst().map { line in
            let fields = line.replacingOccurrences(of: "\"", with: "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    /// The ecosystem = all, red line = all rows of a level, in file order.
    func units(_ level: String) -> [[String: String]] {
        rows.filter { $0["level"] == level && $0["ecosystem"] == "all" && $0["redline"] == "all" }
    }
}

/// Chromium, as the report's PDF uses it.
enum Chromium {
    static var executable: String { ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "chromium" }

    static func common(_ profile: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + profile, "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions"]
    }

    /// Loads `file` in headless Chromium with a network log; returns the log's events of requests
    /// the page made (URL_REQUEST_START_JOB whose network isolation key is the page's file://
    /// site; Chromium's own background requests carry another key) and the URLs of all requests.
    static func pageRequests(file: String, extra: [String], dir: TempDir, label: String) throws -> (page: [String], all: [String], status: Int32) {
        let log = dir.file("\(label)-netlog.json")
        let r = try runProcess(executable, common(dir.file("\(label)-profile")) + ["--log-net-log=" + log] + extra + [URL(fileURLWithPath: file).absoluteString])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: log))) as! [String: Any]
        let constants = json["constants"] as! [String: Any]
        let types = constants["logEventTypes"] as! [String: Int]
        let start = types["URL_REQUEST_START_JOB"]!
        var page: [String] = [], all: [String] = []
        for case let e as [String: Any] in json["events"] as! [Any] where e["type"] as? Int == start {
            guard let p = e["params"] as? [String: Any], let url = p["url"] as? String else { continue }
            all.append(url)
            if (p["network_isolation_key"] as? String ?? "").hasPrefix("file://") { page.append(url) }
        }
        return (page, all, r.status)
    }
}
