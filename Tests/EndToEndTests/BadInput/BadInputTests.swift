import Foundation
import Testing
import TestSupport

/// Every kind of bad or awkward input sinkmap knows, in one table (`BadInputCase.all`, split
/// over the `BadInputCases+*.swift` files), run through the real `sinkmap` executable. For
/// every row the harness checks the exit status, at most 3 lines on stderr (runs use
/// `--quiet`) and every listed word; a refusal is exactly one `sinkmap: error: ` line and
/// writes nothing (the `--out` target as it was, no `.NAME.partial-*` or `.NAME.lock` beside
/// it); a run that goes on despite the input prints `sinkmap: warning: ` lines only, keeps
/// them in summary.json and counts the degradation there. Adding a case is adding a row.
/// `BAD_INPUT_SHOW=1 swift test --filter BadInputTests` prints every row's stderr.
@Suite struct BadInputTests {
    @Test(arguments: BadInputCase.all)
    func badInput(_ row: BadInputCase) throws {
        let s = try Scratch(row.id)
        try row.fixture(s)
        let args = row.command.arguments(s)
        let target = BadInputTests.outTarget(args)
        let before = target.map(PathState.init)
        let r = try runProcess(Repo.sinkmap, args)
        let id = row.id
        if ProcessInfo.processInfo.environment["BAD_INPUT_SHOW"] != nil { print("ROW \(id) [\(r.status)]\n\(r.stderr)") }
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(r.stderr.hasSuffix("\n") ? 1 : 0)
        let stderrLines = r.stderr.isEmpty ? [] : Array(lines)

        #expect(r.status == row.outcome.status, "\(id): exit status \(r.status), expected \(row.outcome.status); stderr: \(r.stderr)")
        #expect(stderrLines.count <= 3, "\(id): \(stderrLines.count) lines on stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"), "\(id): crashed: \(r.stderr)")
        for w in row.words {
            #expect(r.stderr.contains(w), "\(id): '\(w)' missing from stderr: \(r.stderr)")
        }
        for w in row.absent {
            #expect(!r.stderr.contains(w), "\(id): stderr says '\(w)', which is misleading here: \(r.stderr)")
        }
        if let extra = row.stdoutWords {
            for w in extra { #expect(r.stdout.contains(w), "\(id): '\(w)' missing from stdout") }
        }

        switch row.outcome {
        case .refused:
            #expect(stderrLines.count == 1 && r.stderr.hasSuffix("\n"), "\(id): expected exactly one line: \(r.stderr)")
            #expect(stderrLines.first?.hasPrefix("sinkmap: error: ") == true, "\(id): \(r.stderr)")
            if let target, let before {
                #expect(PathState(target) == before, "\(id): \(target) changed: was \(before), now \(PathState(target))")
                let left = BadInputTests.leftovers(of: target)
                #expect(left.isEmpty, "\(id): left behind: \(left)")
            }
        case .usage:
            if let target, let before {
                #expect(PathState(target) == before, "\(id): \(target) changed")
                #expect(BadInputTests.leftovers(of: target).isEmpty, "\(id): left behind: \(BadInputTests.leftovers(of: target))")
            }
        case .runs:
            for line in stderrLines {
                #expect(line.hasPrefix("sinkmap: warning: "), "\(id): only warnings under --quiet, got: \(line)")
            }
            if row.warns {
                #expect(!stderrLines.isEmpty, "\(id): no warning printed")
            }
            guard r.status == 0, let target else { return }
            #expect(BadInputTests.leftovers(of: target).isEmpty, "\(id): left behind: \(BadInputTests.leftovers(of: target))")
            let summary = try BadInputTests.summary(target)
            let kept = summary["warnings"] as? [String] ?? []
            for line in stderrLines where line.hasPrefix("sinkmap: warning: ") {
                let text = String(line.dropFirst("sinkmap: warning: ".count))
                #expect(kept.contains(text), "\(id): warning not kept in summary.json: \(text)")
            }
            if let check = row.summary {
                for problem in check.problems(summary) { Issue.record("\(id): summary.json: \(problem)") }
            }
        }
    }

    /// The baseline every row starts from runs, with only the demo's own warning (its NDVI
    /// has cloud gaps: some pixels have no NEP), so a `.runs` row's other warnings are its own.
    @Test func baselineRunsWithOneWarning() throws {
        let s = try Scratch("baseline")
        let r = try runProcess(Repo.sinkmap, ["run", s.scenePath, "--out", s.out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("have no NPP/Rh/NEP"), "\(r.stderr)")
        let left = try #require(try BadInputTests.summary(s.out)["left_out"] as? [String: Any])
        for key in ["unknown_code_pixels", "negative_precipitation", "canopy_missing", "invalid_input_values", "implausible_values"] {
            #expect(SummaryCheck.number(left[key]) == 0, "\(key): \(left[key] ?? "absent")")
        }
        #expect(SummaryCheck.number(left["nep_missing"]) ?? 0 < BadInputCase.baselineNEPMissing, "\(left)")
    }

    @Test func tableHasAtLeastSixtyUniqueKebabCaseRows() {
        let ids = BadInputCase.all.map(\.id)
        #expect(ids.count >= 60, "\(ids.count) rows")
        #expect(Set(ids).count == ids.count, "duplicate ids: \(Dictionary(grouping: ids, by: { $0 }).filter { $1.count > 1 }.keys.sorted())")
        for id in ids {
            #expect(id.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) != nil, "not kebab-case: \(id)")
        }
    }

    /// docs/refusals.md's section "What sinkmap refuses and why" (the README's refusal table)
    /// lists exactly the table's rows, each with its outcome, so the documentation cannot drift
    /// from the suite.
    @Test func readmeListsEveryBadInputCase() throws {
        let readme = try String(contentsOfFile: Repo.root + "/docs/refusals.md", encoding: .utf8)
        let expected = BadInputCase.readmeSection()
        guard let start = readme.range(of: "\n" + BadInputCase.readmeHeading + "\n") else {
            Issue.record("docs/refusals.md has no section '\(BadInputCase.readmeHeading)'; append:\n\(expected)")
            return
        }
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        var listed: [String: String] = [:], order: [String] = []
        for line in section.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5 else { continue }
            let id = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            if id == "id" || id.hasPrefix("-") { continue }
            #expect(listed[id] == nil, "README lists '\(id)' twice")
            listed[id] = cells[3].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            order.append(id)
        }
        let rows = BadInputCase.all
        for row in rows {
            #expect(listed[row.id] == row.outcome.rawValue,
                    "README: '\(row.id)' is \(listed[row.id].map { "listed as \($0)" } ?? "missing"), the suite says \(row.outcome.rawValue)")
        }
        let extra = Set(order).subtracting(rows.map(\.id))
        #expect(extra.isEmpty, "README lists ids the suite does not have: \(extra.sorted())")
        if listed.count != rows.count || !extra.isEmpty || rows.contains(where: { listed[$0.id] != $0.outcome.rawValue }) {
            Issue.record("the section should read:\n\(expected)")
        }
    }

    // MARK: - Helpers

    /// The value after `--out`, if any.
    static func outTarget(_ args: [String]) -> String? {
        guard let i = args.firstIndex(of: "--out"), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    /// `.NAME.partial-*` and `.NAME.lock` beside `path`.
    static func leftovers(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let name = url.lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        return entries.filter { $0.hasPrefix("." + name + ".partial-") || $0 == "." + name + ".lock" }
    }

    static func summary(_ out: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// What is at a path: nothing, a file's bytes, or a folder's entries (recursively, with sizes).
struct PathState: Equatable, CustomStringConvertible {
    var kind: String
    var content: [String]

    init(_ path: String) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { kind = "absent"; content = []; return }
        if isDir.boolValue {
            kind = "folder"
            content = ((fm.subpaths(atPath: path) ?? []).sorted()).map { sub in
                let size = (try? fm.attributesOfItem(atPath: path + "/" + sub)[.size] as? NSNumber)?.intValue ?? -1
                return "\(sub) \(size)"
            }
        } else {
            kind = "file"
            content = [(fm.contents(atPath: path) ?? Data()).base64EncodedString()]
        }
    }

    var description: String { kind == "folder" ? "folder \(content)" : kind }
}
