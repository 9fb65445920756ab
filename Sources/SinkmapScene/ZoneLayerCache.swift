import Foundation

/// Zone and red-line layers already read, so that validating the years of a series reads
/// each layer once. Keyed by the file, the layer, the levels and the grid's CRS (the
/// polygons are kept in it). Used from one thread.
public final class ZoneLayerCache {
    struct Key: Hashable {
        var path: String
        var layer: String?
        var levels: [String]
        var crsWKT: String
    }
    var zones: [Key: (ZoneHierarchy, LayerShapes)] = [:]
    var redlines: [Key: LayerShapes] = [:]
    /// How many layers were read from their files (the rest came from the cache).
    public private(set) var reads = 0

    public init() {}

    /// One file reached by two spellings (`2019/../zones.gpkg`, `zones.gpkg`) is one key.
    static func normal(_ key: Key) -> Key {
        var k = key
        if k.path.hasPrefix("/") { k.path = URL(fileURLWithPath: k.path).standardizedFileURL.resolvingSymlinksInPath().path }
        return k
    }

    func zones(_ key: Key, read: () throws -> (ZoneHierarchy, LayerShapes)) rethrows -> (ZoneHierarchy, LayerShapes) {
        let key = Self.normal(key)
        if let hit = zones[key] { return hit }
        let value = try read()
        reads += 1
        zones[key] = value
        return value
    }

    func redline(_ key: Key, read: () throws -> LayerShapes) rethrows -> LayerShapes {
        let key = Self.normal(key)
        if let hit = redlines[key] { return hit }
        let value = try read()
        reads += 1
        redlines[key] = value
        return value
    }
}
