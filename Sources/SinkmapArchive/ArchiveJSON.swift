import Foundation

/// A JSON file of a run, series, shard or composite directory (`summary.json`, `shard.json`,
/// `composite.json`): written pretty, with sorted keys and slashes as they are, so that two runs
/// diff cleanly, with a final newline; read back with the same type.
public protocol ArchiveJSON: Codable {
    /// How property names become keys (default: as the type's coding keys say).
    static var snakeCaseKeys: Bool { get }
}

extension ArchiveJSON {
    public static var snakeCaseKeys: Bool { false }

    /// The JSON text, with a final newline.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if Self.snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The value of a file's bytes.
    public static func decode(_ data: Data) throws -> Self {
        let decoder = JSONDecoder()
        if snakeCaseKeys { decoder.keyDecodingStrategy = .convertFromSnakeCase }
        return try decoder.decode(Self.self, from: data)
    }

    /// The value of the file at `path`.
    public static func read(path: String) throws -> Self {
        try decode(Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
