import Foundation
import SinkmapScene
import SinkmapArchive
import SinkmapSchedule

/// SHA-256 of the inputs, in their order, on a background thread (`BackgroundJob`) while the
/// tiles run.
enum ChecksumJob {
    static func start(files: [InputFile]) -> BackgroundJob<[Summary.Input]> {
        BackgroundJob {
            var seen: [String: (hex: String, bytes: Int64)] = [:]
            var results: [Summary.Input] = []
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
            return results
        }
    }
}
