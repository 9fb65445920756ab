import Foundation

/// The output directory, written under a temporary sibling name and renamed into
/// place only when complete, so `DIR` never holds a half-written result.
public final class OutputDirectory {
    public let final: String
    /// Where files are written while the run works: `.NAME.partial-PID` beside `DIR`.
    public let staging: String
    private var committed = false

    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter protecting: files that must survive (the scene and its inputs): `DIR` may be
    ///   none of them nor a folder that holds one.
    public init(final path: String, overwrite: Bool, protecting inputs: [String] = []) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        final = url.path
        let parent = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue else {
            throw Refused(description: "\(path): the parent directory \(parent) does not exist")
        }
        for input in inputs {
            let f = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
            if f == final || f.hasPrefix(final.hasSuffix("/") ? final : final + "/") {
                throw Refused(description: "\(path): holds an input of the scene (\(input)); choose another output directory")
            }
        }
        if fm.fileExists(atPath: final) {
            guard overwrite else {
                throw Refused(description: "\(path): already exists (use --overwrite to replace it)")
            }
            // Replace only what looks like an earlier sinkmap output (or an empty folder).
            let entries = (try? fm.contentsOfDirectory(atPath: final)) ?? ["?"]
            guard entries.isEmpty || entries.contains("summary.json") else {
                throw Refused(description: "\(path): exists and is not a sinkmap output (no summary.json); not replacing it")
            }
        }
        staging = parent + "/." + url.lastPathComponent + ".partial-\(getpid())"
        OutputDirectory.removeStale(parent: parent, name: url.lastPathComponent)
        try? fm.removeItem(atPath: staging)
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw Refused(description: "\(staging): cannot create the output directory: \(error.localizedDescription)")
        }
    }

    public func file(_ name: String) -> String { staging + "/" + name }

    /// Moves the finished directory into place (replacing an existing one only now).
    public func commit() throws {
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: final) {
                let old = staging + ".old"
                try fm.moveItem(atPath: final, toPath: old)
                do {
                    try fm.moveItem(atPath: staging, toPath: final)
                } catch {
                    try? fm.moveItem(atPath: old, toPath: final)  // put the previous output back
                    throw error
                }
                try? fm.removeItem(atPath: old)
            } else {
                try fm.moveItem(atPath: staging, toPath: final)
            }
        } catch {
            throw Refused(description: "\(final): cannot move the finished output into place: \(error.localizedDescription)")
        }
        committed = true
    }

    /// Writes a text file (a table, the summary); an error names the file.
    public static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw Refused(description: "\(path): write failed: \(error.localizedDescription)")
        }
    }

    /// Removes the staging directory of a run that failed.
    public func abandon() {
        if !committed { try? FileManager.default.removeItem(atPath: staging) }
    }

    /// Staging directories of killed runs whose process is gone.
    static func removeStale(parent: String, name: String) {
        let prefix = "." + name + ".partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for e in entries where e.hasPrefix(prefix) {
            let pidText = e.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: parent + "/" + e)
            }
        }
    }
}
