import Foundation

/// The independent reference for trend statistics: scipy.stats.theilslopes and a Mann–Kendall
/// written from its definition in Python (Tests/fixtures/trend-reference.py), run on Debian's
/// python3 with python3-scipy.
public struct TrendReference: Decodable, Sendable {
    public var slope, intercept: Double
    public var s: Int
    public var `var`: Double
    public var z, p: Double

    public static func compute(x: [Double], series: [[Double]]) throws -> [TrendReference] {
        let input = try JSONSerialization.data(withJSONObject: ["x": x, "series": series])
        let dir = TempDir("trend-ref")
        try input.write(to: URL(fileURLWithPath: dir.file("in.json")))
        let r = try runProcess("/bin/sh", ["-c", "/usr/bin/python3 '\(Repo.root)/Tests/fixtures/trend-reference.py' < '\(dir.file("in.json"))'"])
        guard r.status == 0 else { throw ReferenceFailed(description: "trend-reference.py: \(r.stderr)") }
        return try JSONDecoder().decode([TrendReference].self, from: Data(r.stdout.utf8))
    }

    public struct ReferenceFailed: Error, CustomStringConvertible { public var description: String }
}

/// |a − b| within `tolerance`, relative to |b| when |b| > 1.
public func nearlyEqual(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}
