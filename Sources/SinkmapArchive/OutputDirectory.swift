import CSinkmapSystem
import Foundation
import GDALKit
import SinkmapBase

/// The output directory, written under a temporary sibling name and moved into place only
/// when complete, so `DIR` never holds a half-written result.
///
/// - One run per `DIR`: an exclusive `flock` on `.NAME.lock` beside it (holding the host and
///   PID for the message) is taken before anything else and kept until the run ends; a second
///   run exits at once naming the holder.
/// - Staging folders `.NAME.partial-PID` carry a marker file while being written. With the
///   lock held no other run can be writing one, so leftovers of killed runs are removed then
///   — those with the marker, or (after an interrupted replacement) an earlier output with its
///   `summary.json` — never a folder sinkmap did not create, and never by a PID test.
/// - `commit` swaps the new folder into place in one step (`renameat2` `RENAME_EXCHANGE`), so
///   a kill at any instant leaves `DIR` as either the old or the new complete output.
public final class OutputDirectory {
    public let final: String
    /// Where files are written while the run works: `.NAME.partial-PID` beside `DIR`.
    public let staging: String
    private let lockPath: String
    private var lockFD: Int32 = -1
    private var committed = false

    /// The file inside a staging folder that marks it as sinkmap's work in progress.
    static let marker = ".sinkmap-partial"
    /// The file a complete output holds: a run's or merge's summary, a shard's manifest, a composite's report.
    static let completeMarks = ["summary.json", "shard.json", "composite.json"]

    /// - Parameter protecting: files that must survive (the scene and its inputs): `DIR` may be
    ///   none of them nor a folder that holds one.
    public init(final path: String, overwrite: Bool, protecting inputs: [String] = []) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        final = url.path
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue else {
            throw Refusal("\(path): the parent directory \(parent) does not exist")
        }
        for input in inputs {
            let f = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
            if f == final || f.hasPrefix(final.hasSuffix("/") ? final : final + "/") {
                throw Refusal("\(path): holds an input of the scene (\(input)); choose another output directory")
            }
        }
        staging = parent + "/." + name + ".partial-\(getpid())"
        lockPath = parent + "/." + name + ".lock"
        lockFD = try OutputDirectory.lock(lockPath, shown: path)
        do {
            if fm.fileExists(atPath: final) {
                guard overwrite else {
                    throw Refusal("\(path): already exists (use --overwrite to replace it)")
                }
                // Replace only what looks like an earlier sinkmap output (or an empty folder).
                let entries = (try? fm.contentsOfDirectory(atPath: final)) ?? ["?"]
                guard entries.isEmpty || entries.contains(where: OutputDirectory.completeMarks.contains) else {
                    throw Refusal("\(path): exists and is not a sinkmap output (no summary.json or composite.json); not replacing it")
                }
            }
            OutputDirectory.removeStale(parent: parent, name: name)
            do {
                try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
                try Data().write(to: URL(fileURLWithPath: staging + "/" + OutputDirectory.marker))
            } catch {
                throw Refusal("\(staging): cannot create the output directory: \(error.localizedDescription)")
            }
        } catch {
            unlock()
            throw error
        }
    }

    deinit { unlock() }

    public func file(_ name: String) -> String { staging + "/" + name }

    /// Runs `body` on this staged directory, then renames it into place; removes it when `body`
    /// or the rename fails, and rethrows. Every command that writes a directory ends this way.
    public func complete<T>(_ body: (OutputDirectory) throws -> T) throws -> T {
        do {
            let result = try body(self)
            try commit()
            return result
        } catch {
            abandon()
            throw error
        }
    }

    /// Moves the finished directory into place: swapped with an existing `DIR` in one step,
    /// the old one removed after.
    public func commit() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: file(OutputDirectory.marker))
        if fm.fileExists(atPath: final) {
            if csinkmap_rename_exchange(staging, final) != 0 {
                let reason = errno
                guard reason == EINVAL || reason == ENOSYS else {
                    throw Refusal("\(final): cannot move the finished output into place: \(String(cString: strerror(reason)))")
                }
                try replaceInTwoSteps()
            }
            try? fm.removeItem(atPath: staging)  // now the previous output
        } else {
            do {
                try fm.moveItem(atPath: staging, toPath: final)
            } catch {
                throw Refusal("\(final): cannot move the finished output into place: \(error.localizedDescription)")
            }
        }
        committed = true
        unlock()
    }

    /// Where the file system cannot exchange two paths: the old output moved aside, the new one
    /// moved in, the old one put back if that fails (a short window without `DIR`).
    private func replaceInTwoSteps() throws {
        let fm = FileManager.default
        let old = staging + ".old"
        do {
            try fm.moveItem(atPath: final, toPath: old)
            do {
                try fm.moveItem(atPath: staging, toPath: final)
            } catch {
                try? fm.moveItem(atPath: old, toPath: final)
                throw error
            }
            try fm.moveItem(atPath: old, toPath: staging)
        } catch {
            throw Refusal("\(final): cannot move the finished output into place: \(error.localizedDescription)")
        }
    }

    /// Removes the staging directory of a run that failed or was interrupted.
    public func abandon() {
        if !committed { try? FileManager.default.removeItem(atPath: staging) }
        unlock()
    }

    /// Writes a text file (a table, the summary); an error names the file.
    public static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            let full = DiskSpace.isFull(near: path) ? "no space left on device (\(error.localizedDescription))" : error.localizedDescription
            throw Refusal("\(path): write failed: \(full)")
        }
    }

    private func unlock() {
        guard lockFD >= 0 else { return }
        // Remove the lock file while still holding it; a run that opened it meanwhile
        // notices (its path no longer names the file it locked) and starts over.
        unlink(lockPath)
        close(lockFD)
        lockFD = -1
    }

    /// Takes the exclusive lock of `DIR`, or refuses naming the run that holds it.
    static func lock(_ path: String, shown: String) throws -> Int32 {
        for _ in 0..<100 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw Refusal("\(path): cannot create the lock file: \(String(cString: strerror(errno)))")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let reason = errno
                var holder = [UInt8](repeating: 0, count: 256)
                let n = read(fd, &holder, 255)
                close(fd)
                guard reason == EWOULDBLOCK else {
                    throw Refusal("\(path): cannot lock: \(String(cString: strerror(reason)))")
                }
                let who = String(decoding: holder.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw Refusal("\(shown): another sinkmap run is writing it (\(who.isEmpty ? "lock held" : who)); wait for it or choose another --out")
            }
            // The file we locked must still be the one at `path` (not one unlinked meanwhile).
            var a = stat(), b = stat()
            if fstat(fd, &a) == 0, stat(path, &b) == 0, a.st_ino == b.st_ino, a.st_dev == b.st_dev {
                let text = "host \(ProcessInfo.processInfo.hostName) pid \(getpid())\n"
                _ = ftruncate(fd, 0)
                _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
                return fd
            }
            close(fd)
        }
        throw Refusal("\(path): cannot take the lock (it keeps changing)")
    }

    /// Staging folders of `DIR` left by killed runs (called with the lock held): those that
    /// carry the marker, or hold an earlier output swapped out by an interrupted replacement.
    static func removeStale(parent: String, name: String) {
        let fm = FileManager.default
        let prefix = "." + name + ".partial-"
        guard let entries = try? fm.contentsOfDirectory(atPath: parent) else { return }
        for e in entries where e.hasPrefix(prefix) {
            let path = parent + "/" + e
            if fm.fileExists(atPath: path + "/" + marker) || completeMarks.contains(where: { fm.fileExists(atPath: path + "/" + $0) }) {
                try? fm.removeItem(atPath: path)
            }
        }
    }
}
