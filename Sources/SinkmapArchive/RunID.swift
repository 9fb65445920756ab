import Crypto
import Foundation

/// The identity of a run's result: SHA-256 over what determines it — the inputs' checksums
/// (by role), every band used (role, month, band, scale, offset, nodata, resampling, checksum),
/// the grid, the months, the parameters and the software version — and over nothing else (not
/// paths, times or thread counts). Two runs with the same id hold the same figures.
public enum RunID {
    struct Identity: Encodable {
        var software: String
        var inputs: [String]
        var bands: [Summary.BandUse]
        var grid: Summary.GridInfo
        var months: [String]
        var parameters: Summary.Parameters
    }

    public static func of(_ s: Summary) throws -> String {
        var bands = s.bands
        for i in bands.indices { bands[i].path = "" }
        let identity = Identity(software: s.software.version,
                                inputs: s.inputs.map { "\($0.role) \($0.sha256)" }.sorted(),
                                bands: bands, grid: s.grid, months: s.months, parameters: s.parameters)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let digest = SHA256.hash(data: try encoder.encode(identity))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
