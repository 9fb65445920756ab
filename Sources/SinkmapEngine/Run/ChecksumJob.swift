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
                for f in files {
                    let s = try Checksums.sha256(path: f.path)
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
