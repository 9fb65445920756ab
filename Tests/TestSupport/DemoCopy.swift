import Foundation

/// A scratch copy of the demo scene: the data folders are symlinked, the scene file and
/// the parameter table are copied so a test can edit them.
public final class DemoCopy: @unchecked Sendable {
    public let dir: TempDir
    public var scenePath: String { dir.file("scene.yaml") }

    public init(_ label: String = "demo") throws {
        dir = TempDir(label)
        let demo = Repo.root + "/testdata/demo"
        let fm = FileManager.default
        for entry in try fm.contentsOfDirectory(atPath: demo) where entry != "scene.yaml" && entry != "classes.csv" {
            try fm.createSymbolicLink(atPath: dir.file(entry), withDestinationPath: demo + "/" + entry)
        }
        try fm.copyItem(atPath: demo + "/scene.yaml", toPath: dir.file("scene.yaml"))
        try fm.copyItem(atPath: demo + "/classes.csv", toPath: dir.file("classes.csv"))
    }

    public var sceneText: String {
        get { try! String(contentsOfFile: scenePath, encoding: .utf8) }
        set { try! newValue.write(toFile: scenePath, atomically: true, encoding: .utf8) }
    }

    /// Replaces the first occurrence of `old` in the scene file; fails loudly when absent.
    public func edit(_ old: String, _ new: String) {
        let text = sceneText
        guard let r = text.range(of: old) else { fatalError("scene has no '\(old)'") }
        sceneText = text.replacingCharacters(in: r, with: new)
    }
}
