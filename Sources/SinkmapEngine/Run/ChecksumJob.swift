import Foundation
import SinkmapScene

/// SHA-256 of the inputs on a background thread while the tiles run.
final class ChecksumJob: @unchecked Sendable {
    let files: [InputFile]
    private var results: [Summary.Input] = []
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)

    init(files: [InputFile]) { self.files = files }

    func start() {
        Thread.detachNewThread { [self] in
            do {
                var seen: [String: (hex: String, bytes: Int64)] = [:]
                for f in files {
                    // The bytes behind the path: the file of a subdataset or an archive; a remote
                    // or database source is listed without a checksum.
                    guard let file = GDALPath.localFile(f.path) else {
                        results.append(Summary.Input(role: f.role, path: f.path, bytes: 0, sha256: ""))
                        continue
                    }
                    let s = try seen[file] ?? Checksums.sha256(path: file)
                    seen[file] = s
                    results.append(Summary.Input(role: f.role, path: f.path, bytes: s.bytes, sha256: s.hex))
                }
            } catch {
                failure = error
            }
            done.signal()
        }
    }

    func wait() throws -> [Summary.Input] {
        done.wait()
        if let failure { throw failure }
        return results
    }
}
