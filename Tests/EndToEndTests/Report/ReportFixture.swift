import Foundation
import GDALKit
import SinkmapReport
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

/// Debian's headless Chromium shell (`chromium-headless-shell`), the browser the report's PDF
/// prefers, started with the PDF's own switches.
enum Chromium {
    static var executable: String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/bin"]
        return dirs.map { $0 + "/chromium-headless-shell" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "chromium-headless-shell"
    }

    static func common(_ profile: String) -> [String] { PDFPrinter.switches(profile: profile) }

    /// Loads `file` in the headless shell with a network log (`--log-net-log`) and reads the log back.
    static func load(file: String, extra: [String], dir: TempDir, label: String) throws -> (log: NetLog, result: ProcessResult) {
        let path = dir.file("\(label)-netlog.json")
        let r = try runProcess(executable, common(dir.file("\(label)-profile")) + ["--log-net-log=" + path] + extra + [URL(fileURLWithPath: file).absoluteString])
        return (try NetLog(path: path), r)
    }
}

/// A Chromium network log read back: each event's type name, source type name and parameters.
///
/// The criterion for "no network request": every event is one of `housekeeping` and no event
/// carries an address (`url`, `host`, `address`, `destination`, `origin`). A request of any kind
/// (the page's or the browser's own, HTTP, WebSocket, a preconnect, a DNS lookup, a socket)
/// logs events of other types (URL_REQUEST_*, HTTP_STREAM_*, HOST_RESOLVER_*, SOCKET_*, UDP_*,
/// ...) that name where it goes, so an allow-list of the events logged when nothing is asked
/// for is stricter than any list of request events could be. `file:` and `data:` loads are not
/// network requests and are not logged.
struct NetLog {
    /// What the network service logs at start and exit whatever the page: the cookie store's
    /// lifetime, the DNS configuration read from the system, the QUIC session pool closed at
    /// exit. The headless shell printing a page without requests logs these 7 events and
    /// nothing else (Chromium 156, measured).
    static let housekeeping: Set<String> = ["COOKIE_STORE_ALIVE", "DNS_CONFIG_CHANGED", "QUIC_SESSION_POOL_CLOSE_ALL_SESSIONS"]
    static let addressKeys = ["url", "host", "address", "destination", "origin"]

    let events: [(type: String, source: String, params: [String: Any])]

    init(path: String) throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let constants = json["constants"] as! [String: Any]
        let types = Dictionary(uniqueKeysWithValues: (constants["logEventTypes"] as! [String: Int]).map { ($1, $0) })
        let sources = Dictionary(uniqueKeysWithValues: (constants["logSourceType"] as! [String: Int]).map { ($1, $0) })
        events = (json["events"] as! [Any]).compactMap { any in
            guard let e = any as? [String: Any], let t = e["type"] as? Int else { return nil }
            let source = ((e["source"] as? [String: Any])?["type"] as? Int).flatMap { sources[$0] } ?? "?"
            return (types[t] ?? "type \(t)", source, e["params"] as? [String: Any] ?? [:])
        }
    }

    /// Events outside the allow-list, as "TYPE (SOURCE)".
    var unexpected: [String] { events.filter { !NetLog.housekeeping.contains($0.type) }.map { "\($0.type) (\($0.source))" } }
    /// Every address named by any event.
    var addresses: [String] { events.flatMap { e in NetLog.addressKeys.compactMap { e.params[$0].map { "\($0)" } } } }
    /// The URLs of URL_REQUEST_START_JOB events.
    var requestURLs: [String] { events.filter { $0.type == "URL_REQUEST_START_JOB" }.compactMap { $0.params["url"] as? String } }
    /// No request of any kind (the criterion above).
    var isEmpty: Bool { unexpected.isEmpty && addresses.isEmpty }
}
