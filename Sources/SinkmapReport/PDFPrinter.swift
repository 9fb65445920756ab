import Foundation
import SinkmapBase

/// The PDF of a report, printed by headless Chromium (Debian's `chromium-headless-shell`, else
/// `chromium`): A4, no header or footer, backgrounds kept, the page's own print style sheet (one
/// atlas unit a page). The headless shell is preferred: it is the same Blink without the
/// browser's own services, so it makes no network request of its own (the full `chromium`
/// asks accounts.google.com and update.googleapis.com whatever switches it is given).
public enum PDFPrinter {
    /// The Chromium executable: `SINKMAP_CHROMIUM`, else the first of chromium-headless-shell,
    /// chromium, chromium-browser, google-chrome on PATH.
    public static func chromium() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["SINKMAP_CHROMIUM"], !explicit.isEmpty { return explicit }
        let dirs = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"] {
            for d in dirs where FileManager.default.isExecutableFile(atPath: d + "/" + name) { return d + "/" + name }
        }
        return nil
    }

    /// Chromium's switches for an offline, reproducible headless run: no sandbox (it refuses
    /// to start as root with one), no GPU, and none of its own background network traffic.
    public static func switches(profile: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
         "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--mute-audio",
         "--disable-features=Translate,MediaRouter,OptimizationHints", "--hide-scrollbars"]
    }

    /// Prints `html` (a file) to `pdf`.
    public static func print(html: String, to pdf: String) throws {
        guard let exe = chromium() else {
            throw Refusal("--pdf needs Chromium to print the report (Debian: apt-get install chromium-headless-shell fonts-noto-cjk), or SINKMAP_CHROMIUM=PATH")
        }
        let profile = NSTemporaryDirectory() + "sinkmap-chromium-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let pdfPath = URL(fileURLWithPath: pdf).path
        try? FileManager.default.removeItem(atPath: pdfPath)
        let args = switches(profile: profile) + ["--no-pdf-header-footer", "--print-to-pdf=" + pdfPath,
                                                 URL(fileURLWithPath: html).absoluteString]
        let result = try run(exe, args)
        let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: pdfPath)).readData(ofLength: 5)) ?? Data()
        guard head == Data("%PDF-".utf8) else {
            let why = result.stderr.split(separator: "\n").last(where: { $0.contains("ERROR") || $0.contains("rror") }).map(String.init)
            throw Refusal("\(pdf): Chromium (\(exe)) wrote no PDF (exit \(result.status))\(why.map { ": " + $0 } ?? "")")
        }
    }

    /// Runs a process to its end; its stderr is kept (in a temporary file) for the message.
    static func run(_ exe: String, _ args: [String]) throws -> (status: Int32, stderr: String) {
        let errPath = NSTemporaryDirectory() + "sinkmap-chromium-\(UInt32.random(in: 0...UInt32.max)).log"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try? err.close()
        return (p.terminationStatus, (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
