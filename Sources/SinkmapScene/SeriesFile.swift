import Foundation
import Yams

/// One year of a monitoring series: its scene, parsed.
public struct SeriesYear: Sendable {
    public var year: Int
    public var scene: Scene
}

/// A series file (SPEC §6): `name`, and `years` either as a mapping year → scene file, or as a
/// list with `template: scene.yaml` whose text holds `{year}` (substituted before parsing, so
/// `{year}` may stand anywhere in a path or a name). Years are sorted; at least three (a trend
/// needs them).
public struct SeriesFile: Sendable {
    /// Absolute path of the series file.
    public var file: String
    public var name: String
    public var years: [SeriesYear]

    public static let minimumYears = 3

    /// Reads and parses the series file at `path`, and every year's scene file (shape only;
    /// `SceneValidator` checks their inputs).
    public static func load(path: String) throws -> SeriesFile {
        let absolute = SceneParser.absolutePath(path)
        let ctx = Context(file: path)
        let text = try readText(absolute, shown: path)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ctx.error("", "the file is empty") }
            root = node
        } catch let e as SceneError {
            throw e
        } catch let e as YamlError {
            throw ctx.error("", "not valid YAML: \(SceneParser.oneLine(e))")
        }
        guard root.mapping != nil else { throw ctx.error("", "the series file must be a YAML mapping") }
        try SceneParser.refuseDuplicateKeys(root, at: "", ctx)
        try ctx.allowOnly(root, ["name", "years", "template"], at: "")
        let name = try ctx.string(root["name"], "name", optional: true) ?? "series"
        let yearsNode = try ctx.require(root["years"], "years")
        let directory = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        var years: [SeriesYear] = []

        if let templateNode = root["template"] {
            let template = try ctx.string(templateNode, "template")!
            guard let list = yearsNode.sequence else {
                throw ctx.error("years", "with template:, years is a list of years (e.g. [2019, 2020, 2021])")
            }
            let templatePath = GDALPath.resolve(template, against: directory)
            let templateText = try readText(templatePath, shown: template, field: "template", ctx: ctx)
            guard templateText.contains("{year}") else {
                throw ctx.error("template", "\(template) holds no {year}: every year would read the same inputs")
            }
            for (i, node) in list.enumerated() {
                let year = try parseYear(node, "years[\(i)]", ctx)
                let yaml = templateText.replacingOccurrences(of: "{year}", with: String(year))
                let scene = try SceneParser.parse(yaml: yaml, file: templatePath, shownAs: "\(template) (year \(year))")
                years.append(SeriesYear(year: year, scene: scene))
            }
        } else {
            guard let mapping = yearsNode.mapping else {
                throw ctx.error("years", "expected a mapping year → scene file (e.g. {2019: scenes/2019.yaml}), or a list of years with template:")
            }
            for (key, value) in mapping {
                let year = try parseYear(key, "years", ctx)
                let field = "years.\(year)"
                let scenePath = try ctx.string(value, field)!
                let resolved = GDALPath.resolve(scenePath, against: directory)
                guard FileManager.default.fileExists(atPath: resolved) else {
                    throw ctx.error(field, "\(scenePath): no such file")
                }
                years.append(SeriesYear(year: year, scene: try SceneParser.load(path: resolved)))
            }
        }
        years.sort { $0.year < $1.year }
        for (a, b) in zip(years, years.dropFirst()) where a.year == b.year {
            throw ctx.error("years", "year \(a.year) is listed twice")
        }
        guard years.count >= minimumYears else {
            throw ctx.error("years", "\(years.count) year\(years.count == 1 ? "" : "s") given (\(years.map { String($0.year) }.joined(separator: ", "))); a series needs at least \(minimumYears) for a trend")
        }
        return SeriesFile(file: absolute, name: name, years: years)
    }

    static func parseYear(_ node: Node, _ field: String, _ ctx: Context) throws -> Int {
        guard let text = node.scalar?.string, let y = Int(text), (1000...9999).contains(y) else {
            throw ctx.error(field, "'\(node.scalar?.string ?? "a non-scalar")' is not a year (four digits)")
        }
        return y
    }

    static func readText(_ path: String, shown: String, field: String = "", ctx: Context? = nil) throws -> String {
        let error = { (m: String) in SceneError(file: ctx?.file ?? shown, field: field, message: ctx == nil ? m : "\(shown): \(m)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw error("no such file") }
        guard !isDirectory.boolValue else { throw error("is a directory") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw error("cannot read the file as UTF-8 text")
        }
        return text
    }
}
