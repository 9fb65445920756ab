import Foundation
import Testing
import TestSupport

/// The layer order written in DESIGN.md ("### Layers": `| layer | targets |`) holds in the code:
/// every source target imports, and Package.swift lets it depend on, only targets of lower
/// layers; the report reads the archive, never the engine; no target outgrows the others.
@Suite struct LayerTests {
    /// Target → layer, from DESIGN.md.
    static func layers() throws -> [String: Int] {
        let design = try String(contentsOfFile: Repo.root + "/DESIGN.md", encoding: .utf8)
        let section = try #require(design.components(separatedBy: "### Layers").dropFirst().first)
            .components(separatedBy: "\n#").first!
        var layer: [String: Int] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let n = Int(cells[0]) else { continue }
            for target in cells[1].split(separator: ",") { layer[target.trimmingCharacters(in: .whitespaces)] = n }
        }
        return layer
    }

    /// The modules a source folder's files import (`import M`, `@testable import M`).
    static func imports(of target: String) throws -> Set<String> {
        let root = Repo.root + "/Sources/" + target
        var found = Set<String>()
        for case let file as String in FileManager.default.enumerator(atPath: root)! where file.hasSuffix(".swift") {
            for line in try String(contentsOfFile: root + "/" + file, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                if words.count >= 2, words[0] == "import" { found.insert(String(words[1])) }
                if words.count >= 3, words[0] == "@testable", words[1] == "import" { found.insert(String(words[2])) }
            }
        }
        return found
    }

    /// Target → the project targets Package.swift names in its `dependencies` (products of other
    /// packages left out).
    static func packageDependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOfFile: Repo.root + "/Package.swift", encoding: .utf8)
        let declaration = try Regex(#"\.(target|executableTarget|testTarget|systemLibrary)\(\s*name:\s*"(\w+)""#)
        let starts = manifest.matches(of: declaration)
        var result: [String: Set<String>] = [:]
        for (k, m) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1].range.lowerBound : manifest.endIndex
            var text = String(manifest[m.range.upperBound..<end])
            text.replace(try Regex(#"\.product\([^)]*\)"#), with: "")
            guard let deps = text.firstMatch(of: try Regex(#"dependencies:\s*\[([^\]]*)\]"#)) else {
                result[String(m.output[2].substring!)] = []
                continue
            }
            let list = String(deps.output[1].substring!)
            result[String(m.output[2].substring!)] = Set(list.matches(of: try Regex(#""(\w+)""#)).map { String($0.output[1].substring!) })
        }
        return result
    }

    /// Every import and package dependency of a source target that does not point to a lower layer.
    static func upwardArrows(layer: [String: Int]) throws -> [String] {
        let sources = try FileManager.default.contentsOfDirectory(atPath: Repo.root + "/Sources").sorted()
        let dependencies = try packageDependencies()
        var found: [String] = []
        for target in sources {
            guard let own = layer[target] else {
                found.append("\(target) is not in DESIGN.md's layers")
                continue
            }
            for m in try imports(of: target).sorted() where m != target {
                guard let other = layer[m] else { continue }  // a system or package module
                if other >= own { found.append("\(target) (layer \(own)) imports \(m) (layer \(other))") }
            }
            for d in (dependencies[target] ?? []).sorted() {
                guard let other = layer[d] else {
                    found.append("\(target) depends on \(d), which DESIGN.md's layers lack")
                    continue
                }
                if other >= own { found.append("Package.swift: \(target) (layer \(own)) depends on \(d) (layer \(other))") }
            }
        }
        return found
    }

    @Test func importsAndDependenciesPointDown() throws {
        let layer = try Self.layers()
        #expect(layer.count >= 15)
        #expect(try Self.upwardArrows(layer: layer) == [])
    }

    /// The check sees an arrow that runs up: with the archive put above the engine in the table,
    /// the engine's import of it and its dependency on it are both reported.
    @Test func anUpwardArrowIsReported() throws {
        var layer = try Self.layers()
        layer["SinkmapArchive"] = try #require(layer["SinkmapEngine"]) + 1
        let found = try Self.upwardArrows(layer: layer)
        #expect(found.contains("SinkmapEngine (layer 6) imports SinkmapArchive (layer 7)"))
        #expect(found.contains("Package.swift: SinkmapEngine (layer 6) depends on SinkmapArchive (layer 7)"))
    }

    @Test func theReportReadsTheArchiveNotTheEngine() throws {
        let imports = try Self.imports(of: "SinkmapReport")
        let dependencies = try #require(try Self.packageDependencies()["SinkmapReport"])
        for engine in ["SinkmapEngine", "SinkmapWorkflows"] {
            #expect(!imports.contains(engine) && !dependencies.contains(engine), "SinkmapReport uses \(engine)")
        }
        #expect(imports.contains("SinkmapArchive"))
    }

    /// No target holds more than about 30 % of the source lines.
    @Test func noTargetHoldsMoreThanThirtyPercent() throws {
        var lines: [String: Int] = [:]
        let root = Repo.root + "/Sources"
        for target in try FileManager.default.contentsOfDirectory(atPath: root) {
            for case let file as String in FileManager.default.enumerator(atPath: root + "/" + target)! where file.hasSuffix(".swift") {
                let path = root + "/" + target + "/" + file
                // The AVX-512 target's sources are symbolic links to SinkmapKernels' own.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil { continue }
                lines[target, default: 0] += try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count
            }
        }
        let total = lines.values.reduce(0, +)
        #expect(total > 10_000)
        for (target, n) in lines {
            #expect(Double(n) <= 0.3 * Double(total), "\(target): \(n) of \(total) source lines")
        }
    }
}
