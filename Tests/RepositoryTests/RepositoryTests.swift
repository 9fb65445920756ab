import Foundation
import Testing
import TestSupport

/// The shape of the code base: DESIGN.md's table of targets matches their `import` lines,
/// and no Swift file grows past 400 lines.
@Suite struct RepositoryTests {
    static let platformModules: Set<String> = ["Glibc", "Darwin", "Musl"]

    func swiftFiles(under folder: String) -> [String] {
        let root = Repo.root + "/" + folder
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.map { root + "/" + $0 }
    }

    func imports(under folder: String) throws -> Set<String> {
        var found = Set<String>()
        for file in swiftFiles(under: folder) {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                if words.count >= 2, words[0] == "import" { found.insert(String(words[1])) }
                if words.count >= 3, words[0] == "@testable", words[1] == "import" { found.insert(String(words[2])) }
            }
        }
        return found.subtracting(Self.platformModules)
    }

    @Test func designListsEachTargetWithItsImports() throws {
        let design = try String(contentsOfFile: Repo.root + "/DESIGN.md", encoding: .utf8)
        // Rows of the table under "Targets and what they import": | target | folder | imports |
        let section = try #require(design.components(separatedBy: "### Targets and what they import").dropFirst().first)
            .components(separatedBy: "\n#").first!
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| target") }
            .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(rows.count >= 9)
        var listed = Set<String>()
        for row in rows {
            let (target, folder, text) = (row[0], row[1], row[2])
            listed.insert(folder)
            let declared = text.hasPrefix("(") ? Set<String>() : Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            // A target's own name is dropped: the kernel sources shared with SinkmapKernelsAVX512
            // import SinkmapKernels only where they are compiled into that other target.
            #expect(try imports(under: folder).subtracting([target]) == declared, "\(target): DESIGN.md says \(declared.sorted())")
        }
        // Every source target is in the table.
        let sources = try FileManager.default.contentsOfDirectory(atPath: Repo.root + "/Sources").map { "Sources/" + $0 }
        #expect(Set(sources).isSubset(of: listed), "missing from DESIGN.md: \(Set(sources).subtracting(listed).sorted())")
    }

    @Test func noSwiftFileIsOver400Lines() throws {
        for folder in ["Sources", "Tests", "Benchmarks"] {
            for file in swiftFiles(under: folder) {
                let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count - 1
                #expect(lines <= 400, "\(file): \(lines) lines")
            }
        }
    }
}
