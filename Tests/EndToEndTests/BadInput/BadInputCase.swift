import Foundation
import Testing
import TestSupport

/// One row of the bad-input table: an id, what the input is, how to build it, the command,
/// what must happen and what stderr (and, for runs, summary.json) must say.
struct BadInputCase: Sendable, CustomTestStringConvertible {
    enum Outcome: String, Sendable {
        /// Exit 1, one `sinkmap: error: ` line, nothing written.
        case refused
        /// Exit 64: the command line is wrong (argument parser).
        case usage
        /// Exit 0: the input is degraded, not wrong; counted in summary.json and warned about.
        case runs

        var status: Int32 {
            switch self {
            case .refused: return 1
            case .usage: return 64
            case .runs: return 0
            }
        }
    }

    typealias Fixture = @Sendable (Scratch) throws -> Void
    /// The command line of a row (a struct, so that a row's trailing closure is its fixture).
    struct Command: Sendable {
        let arguments: @Sendable (Scratch) -> [String]

        /// `run SCENE --out DIR --quiet` plus `extra`.
        static func run(_ extra: String...) -> Command {
            Command { s in ["run", s.scenePath, "--out", s.out, "--quiet"] + extra }
        }

        static func args(_ make: @escaping @Sendable (Scratch) -> [String]) -> Command { Command(arguments: make) }
    }

    /// kebab-case, unique.
    let id: String
    /// One line for the refusal table (docs/refusals.md).
    let what: String
    let outcome: Outcome
    /// Words stderr must contain.
    let words: [String]
    /// Words stderr must not contain (a misleading hint).
    var absent: [String] = []
    /// Words stdout must contain (nil: not checked).
    var stdoutWords: [String]? = nil
    /// Edits the scratch copy of the demo scene.
    let fixture: Fixture
    let command: Command
    /// For `.runs`: the degradation as summary.json records it.
    var summary: SummaryCheck? = nil
    /// For `.runs`: whether a warning must be printed.
    var warns = true

    var testDescription: String { id }

    static func refused(_ id: String, _ what: String, _ words: [String], absent: [String] = [],
                        command: Command = .run(), fixture: @escaping Fixture = { _ in }) -> BadInputCase {
        BadInputCase(id: id, what: what, outcome: .refused, words: words, absent: absent, fixture: fixture, command: command)
    }

    static func usage(_ id: String, _ what: String, _ words: [String], stdout: [String]? = nil,
                      command: Command) -> BadInputCase {
        BadInputCase(id: id, what: what, outcome: .usage, words: words, stdoutWords: stdout, fixture: { _ in }, command: command)
    }

    static func runs(_ id: String, _ what: String, _ words: [String], summary: SummaryCheck, warns: Bool = true,
                     command: Command = .run(), fixture: @escaping Fixture) -> BadInputCase {
        BadInputCase(id: id, what: what, outcome: .runs, words: words, fixture: fixture, command: command,
                     summary: summary, warns: warns)
    }

    /// The whole table.
    static let all: [BadInputCase] = scene + rasters + parameters + zones + environment + plots

    /// `nep_missing` of the baseline is below this (its NDVI has cloud gaps).
    static let baselineNEPMissing = 40_000

    static let readmeHeading = "## What sinkmap refuses and why"

    /// The section of docs/refusals.md the table implies.
    static func readmeSection() -> String {
        var lines = [readmeHeading, "",
                     "Every row is a case of `Tests/EndToEndTests/BadInput` (`swift test --filter BadInputTests`), run through",
                     "the `sinkmap` executable on a scratch copy of the demo scene. `refused`: exit 1, one line",
                     "`sinkmap: error: ...`, nothing written (neither `DIR` nor `.DIR.partial-*` nor `.DIR.lock`); `usage`:",
                     "exit 64, the argument parser's message; `runs`: exit 0, the degradation counted in `summary.json`",
                     "(`left_out`, `warnings`) and named in a `sinkmap: warning: ...` line. At most 3 lines on stderr",
                     "(with `--quiet`). A new kind of bad input is a new row there and a new line here; the test",
                     "`readmeListsEveryBadInputCase` keeps the two in step.", "",
                     "| id | what | outcome | message contains |", "|---|---|---|---|"]
        for row in all {
            let words = !row.words.isEmpty ? row.words.map { "`\($0)`" }.joined(separator: ", ")
                : row.outcome == .usage ? "(the help, on stdout)" : "(nothing: no warning)"
            lines.append("| `\(row.id)` | \(row.what) | \(row.outcome.rawValue) | \(words.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// How a `.runs` row's degradation shows in summary.json.
indirect enum SummaryCheck: Sendable {
    /// `left_out[key]` is above `above`.
    case counted(String, above: Int = 0)
    /// `left_out.unknown_codes` lists the code.
    case unknownCode(Int)
    /// A warning kept in summary.json contains the text.
    case warning(String)
    /// An input's path starts with the prefix.
    case input(prefix: String)
    case all([SummaryCheck])

    static func number(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }

    func problems(_ summary: [String: Any]) -> [String] {
        let left = summary["left_out"] as? [String: Any] ?? [:]
        switch self {
        case .counted(let key, let above):
            let n = SummaryCheck.number(left[key])
            return (n ?? Int.min) > above ? [] : ["left_out.\(key) is \(n.map(String.init) ?? "absent"), expected above \(above)"]
        case .unknownCode(let code):
            let codes = (left["unknown_codes"] as? [[String: Any]] ?? []).compactMap { SummaryCheck.number($0["code"]) }
            return codes.contains(code) ? [] : ["left_out.unknown_codes \(codes) lacks \(code)"]
        case .warning(let text):
            let warnings = summary["warnings"] as? [String] ?? []
            return warnings.contains { $0.contains(text) } ? [] : ["no warning contains '\(text)': \(warnings)"]
        case .input(let prefix):
            let inputs = (summary["inputs"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            return inputs.contains { $0.hasPrefix(prefix) } ? [] : ["no input path starts with '\(prefix)': \(inputs)"]
        case .all(let checks):
            return checks.flatMap { $0.problems(summary) }
        }
    }
}

/// A fixture that cannot be built (a text to edit is not there, a tool failed).
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// A scratch copy of the demo scene in the baseline every row starts from: the demo without
/// its partial lidar (`canopy_height`) and with its stray land-cover code 99 in the table, so
/// that a run of it prints only the demo's own warning (cloud gaps in its NDVI).
final class Scratch: @unchecked Sendable {
    let demo: DemoCopy
    var dir: TempDir { demo.dir }
    var scenePath: String { demo.scenePath }
    /// The `--out` of a run.
    var out: String { dir.file("out") }
    static let demoDir = Repo.root + "/testdata/demo"
    static let canopyLine = "canopy_height: lidar/chm.tif\n"
    static let code99 = "99,Unclassified (bad-input suite),other,0,0.023,0.634,,,0,0,0,0,0,none,so the baseline has no unknown code\n"

    init(_ label: String) throws {
        demo = try DemoCopy("bad-\(label)")
        try edit(Scratch.canopyLine, "")
        var table = try tableText()
        if !table.hasSuffix("\n") { table += "\n" }
        try (table + Scratch.code99).write(toFile: tablePath, atomically: true, encoding: .utf8)
    }

    func file(_ name: String) -> String { dir.file(name) }

    var sceneText: String {
        get { demo.sceneText }
        set { demo.sceneText = newValue }
    }

    /// Replaces the first occurrence of `old` in the scene file.
    func edit(_ old: String, _ new: String) throws {
        let text = sceneText
        guard let r = text.range(of: old) else { throw FixtureError(description: "scene has no '\(old)'") }
        sceneText = text.replacingCharacters(in: r, with: new)
    }

    /// Replaces every occurrence of `old` in the scene file.
    func editAll(_ old: String, _ new: String) throws {
        guard sceneText.contains(old) else { throw FixtureError(description: "scene has no '\(old)'") }
        sceneText = sceneText.replacingOccurrences(of: old, with: new)
    }

    /// Removes the scene's text from `start` up to (not including) `end`.
    func cut(from start: String, upTo end: String) throws {
        let text = sceneText
        guard let a = text.range(of: start), let b = text.range(of: end, range: a.upperBound..<text.endIndex) else {
            throw FixtureError(description: "scene has no '\(start)' ... '\(end)'")
        }
        sceneText = String(text[..<a.lowerBound]) + String(text[b.lowerBound...])
    }

    var tablePath: String { file("classes.csv") }
    func tableText() throws -> String { try String(contentsOfFile: tablePath, encoding: .utf8) }

    /// Replaces the first occurrence of `old` in the parameter table.
    func editTable(_ old: String, _ new: String) throws {
        let text = try tableText()
        guard let r = text.range(of: old) else { throw FixtureError(description: "classes.csv has no '\(old)'") }
        try text.replacingCharacters(in: r, with: new).write(toFile: tablePath, atomically: true, encoding: .utf8)
    }

    /// Row 4 of the table (deciduous broadleaf forest, the demo's most common class) with
    /// its first fields `prefix` and the rest unchanged.
    static let row4 = "4,Deciduous broadleaf forests,forest,0.692,0.023,0.747,6.9279,0.952,0.23,56.4,13.0,88,13.0,casa,"

    /// Writes a copy of a demo raster (relative to testdata/demo) as Float32 with `f` applied to
    /// every value that is not the file's nodata (-9999 for the climate), nodata kept.
    func derive(_ demoFile: String, to name: String, nodata: Double? = -9999,
                _ f: @escaping (_ value: Float, _ band: Int, _ row: Int, _ col: Int) -> Float) throws {
        let (g, bands) = try BadInput.bands(Scratch.demoDir + "/" + demoFile)
        let out = bands.enumerated().map { (b, plane) in
            plane.enumerated().map { (i, v) in v == -9999 ? v : f(v, b, i / g.width, i % g.width) }
        }
        try Fixtures.raster(file(name), grid: g, bands: out, type: .float32, nodata: nodata)
    }

    /// `derive` with the same change everywhere, and the scene's references to the demo file
    /// pointed at the copy.
    func replaceClimate(_ demoFile: String, with name: String, _ f: @escaping (Float) -> Float) throws {
        try derive(demoFile, to: name) { v, _, _, _ in f(v) }
        try editAll(demoFile, name)
    }

    /// A copy of the demo's township layer named `name`, changed by SQL statements (SQLite
    /// dialect of the GeoPackage driver), and the scene pointed at it.
    func zones(_ name: String, sql: [String]) throws {
        try FileManager.default.copyItem(atPath: Scratch.demoDir + "/admin/townships.gpkg", toPath: file(name))
        for statement in sql {
            let r = try runProcess("/usr/bin/ogrinfo", ["-q", file(name), "-sql", statement])
            guard r.status == 0 else { throw FixtureError(description: "ogrinfo \(statement): \(r.stderr)") }
        }
        try edit("path: admin/townships.gpkg", "path: \(name)")
    }
}
