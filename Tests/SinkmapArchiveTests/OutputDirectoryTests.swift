import Foundation
import Testing
import TestSupport
import SinkmapArchive
import SinkmapBase

/// The output directory: staged beside `DIR`, renamed into place when complete, never
/// replacing what sinkmap did not write nor a folder holding an input.
@Suite struct OutputDirectoryTests {
    func write(_ text: String, _ path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }
    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func stagesBesideAndCommitsByRename() throws {
        let dir = TempDir("outdir")
        let out = try OutputDirectory(final: dir.file("run"), overwrite: false)
        #expect(out.staging == dir.path + "/.run.partial-\(getpid())")
        try write("x", out.file("a.txt"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("run")))
        try out.commit()
        #expect(read(dir.file("run/a.txt")) == "x")
        #expect(!FileManager.default.fileExists(atPath: out.staging))
    }

    @Test func existingOutputIsReplacedOnlyWithOverwriteAndOnlyOnCommit() throws {
        let dir = TempDir("outdir")
        try FileManager.default.createDirectory(atPath: dir.file("run"), withIntermediateDirectories: false)
        try write("old", dir.file("run/summary.json"))
        #expect(throws: Refusal.self) { _ = try OutputDirectory(final: dir.file("run"), overwrite: false) }
        let out = try OutputDirectory(final: dir.file("run"), overwrite: true)
        try write("new", out.file("summary.json"))
        #expect(read(dir.file("run/summary.json")) == "old")  // untouched until the new one is complete
        try out.commit()
        #expect(read(dir.file("run/summary.json")) == "new")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func refusesForeignFoldersAndFoldersHoldingInputs() throws {
        let dir = TempDir("outdir")
        try FileManager.default.createDirectory(atPath: dir.file("mine"), withIntermediateDirectories: false)
        try write("precious", dir.file("mine/notes.txt"))
        #expect(throws: Refusal.self) { _ = try OutputDirectory(final: dir.file("mine"), overwrite: true) }
        #expect(read(dir.file("mine/notes.txt")) == "precious")
        #expect(throws: Refusal.self) {
            _ = try OutputDirectory(final: dir.path, overwrite: true, protecting: [dir.file("mine/notes.txt")])
        }
        #expect(throws: Refusal.self) { _ = try OutputDirectory(final: dir.file("no/such/parent"), overwrite: false) }
    }

    @Test func abandonRemovesTheStagingFolderOnly() throws {
        let dir = TempDir("outdir")
        let out = try OutputDirectory(final: dir.file("run"), overwrite: false)
        try write("partial", out.file("npp.tif"))
        out.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func staleStagingIsRemovedOnlyIfSinkmapMadeIt() throws {
        let dir = TempDir("outdir")
        // A killed run's staging folder (it carries the marker) and a folder of the same
        // pattern that sinkmap did not make (no marker, no summary.json).
        let stale = dir.path + "/.run.partial-4194999", foreign = dir.path + "/.run.partial-notmine"
        for d in [stale, foreign] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: false) }
        try write("", stale + "/.sinkmap-partial")
        try write("keep", foreign + "/data.txt")
        let out = try OutputDirectory(final: dir.file("run"), overwrite: false)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(read(foreign + "/data.txt") == "keep")
        out.abandon()
    }

    @Test func secondRunOnTheSameDirectoryIsRefusedNamingTheHolder() throws {
        let dir = TempDir("outdir")
        let first = try OutputDirectory(final: dir.file("run"), overwrite: false)
        do {
            _ = try OutputDirectory(final: dir.file("run"), overwrite: true)
            Issue.record("a second OutputDirectory on the same DIR was allowed")
        } catch let e as Refusal {
            #expect(e.description.contains("another sinkmap run is writing it") && e.description.contains("pid \(getpid())"))
        }
        try first.commit()
        // Released at commit: the next run may replace it.
        let next = try OutputDirectory(final: dir.file("run"), overwrite: true)
        next.abandon()
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/.run.lock"))
    }
}
