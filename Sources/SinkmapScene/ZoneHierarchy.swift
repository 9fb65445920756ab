import GDALKit

/// One administrative unit at one level.
public struct ZoneUnit: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The id of the unit that contains it at the next coarser level ("" at the coarsest).
    public var parentID: String
}

/// The administrative hierarchy read from the zone layer's attributes: units per level
/// and, for each finest unit, the unit that contains it at every level.
public struct ZoneHierarchy: Sendable, Equatable {
    public var levels: [ZoneLevel]
    /// `units[level]` sorted by id; level 0 is the finest.
    public var units: [[ZoneUnit]]
    /// `finestToUnit[level][u]` = index in `units[level]` of the unit containing finest unit `u`.
    public var finestToUnit: [[Int]]
    /// For each feature (in layer order), the index of its finest unit.
    public var featureToFinest: [Int]

    public var finestCount: Int { units.first?.count ?? 0 }

    /// Builds the hierarchy from feature attributes; refuses empty ids and a unit that
    /// lies in two different parents.
    public static func build(features: [VectorFeature], levels: [ZoneLevel], source: String) throws -> ZoneHierarchy {
        guard !features.isEmpty else {
            throw SceneError(file: source, field: "zones", message: "the zone layer has no features")
        }
        var units: [[ZoneUnit]] = []
        var finestToUnit: [[Int]] = []
        // Finest ids, sorted.
        let finestField = levels[0].idField
        var finestIDs = Set<String>()
        for f in features {
            let id = f.fields[finestField] ?? ""
            guard !id.isEmpty else {
                throw SceneError(file: source, field: "zones.levels[0].id",
                                 message: "feature \(f.fid) has an empty '\(finestField)'")
            }
            finestIDs.insert(id)
        }
        let finestSorted = finestIDs.sorted()
        let finestIndex = Dictionary(uniqueKeysWithValues: finestSorted.enumerated().map { ($1, $0) })
        let featureToFinest = features.map { finestIndex[$0.fields[finestField]!]! }

        for (li, level) in levels.enumerated() {
            // id -> (name, parent) with consistency checks.
            var info: [String: (name: String, parent: String)] = [:]
            var finestMap = [String](repeating: "", count: finestSorted.count)
            for (fi, f) in features.enumerated() {
                let id = f.fields[level.idField] ?? ""
                guard !id.isEmpty else {
                    throw SceneError(file: source, field: "zones.levels[\(li)].id",
                                     message: "feature \(f.fid) has an empty '\(level.idField)'")
                }
                let name = level.labelField.flatMap { f.fields[$0] } ?? ""
                let parent = li + 1 < levels.count ? (f.fields[levels[li + 1].idField] ?? "") : ""
                if let known = info[id], known.parent != parent {
                    throw SceneError(file: source, field: "zones.levels[\(li + 1)].id",
                                     message: "\(level.name) '\(id)' lies in two \(levels[li + 1].name) units ('\(known.parent)' and '\(parent)')")
                }
                if let known = info[id], known.name != name {
                    throw SceneError(file: source, field: "zones.levels[\(li)].label",
                                     message: "\(level.name) '\(id)' has two names ('\(known.name)' and '\(name)'); features sharing an id must be parts of one unit with one name")
                }
                if info[id] == nil { info[id] = (name, parent) }
                let u = featureToFinest[fi]
                if !finestMap[u].isEmpty, finestMap[u] != id {
                    throw SceneError(file: source, field: "zones.levels[\(li)].id",
                                     message: "\(levels[0].name) '\(finestSorted[u])' lies in two \(level.name) units ('\(finestMap[u])' and '\(id)')")
                }
                finestMap[u] = id
            }
            let sorted = info.keys.sorted()
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            units.append(sorted.map { ZoneUnit(id: $0, name: info[$0]!.name, parentID: info[$0]!.parent) })
            finestToUnit.append(finestMap.map { index[$0]! })
        }
        return ZoneHierarchy(levels: levels, units: units, finestToUnit: finestToUnit, featureToFinest: featureToFinest)
    }
}
