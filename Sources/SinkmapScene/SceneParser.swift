import Foundation
import SinkmapKernels
import Yams

/// Parses the YAML of SPEC section 2 into a `Scene`, checking its shape (not its files:
/// that is `SceneValidator`'s job).
public enum SceneParser {
    /// Reads and parses the scene file at `path`.
    public static func load(path: String) throws -> Scene {
        let absolute = absolutePath(path)
        let shown = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw SceneError(file: shown, field: "", message: "no such file")
        }
        if isDirectory.boolValue {
            throw SceneError(file: shown, field: "", message: "is a directory; give the scene's YAML file (e.g. \(shown.hasSuffix("/") ? shown : shown + "/")scene.yaml)")
        }
        guard let data = FileManager.default.contents(atPath: absolute),
              let text = String(data: data, encoding: .utf8) else {
            throw SceneError(file: shown, field: "", message: "cannot read the file as UTF-8 text")
        }
        return try parse(yaml: text, file: absolute, shownAs: shown)
    }

    /// Parses scene YAML; `file` is the scene's absolute path (relative paths resolve against its folder).
    public static func parse(yaml: String, file: String, shownAs shown: String? = nil) throws -> Scene {
        let ctx = Context(file: shown ?? file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ctx.error("", "the file is empty")
            }
            root = node
        } catch let e as SceneError {
            throw e
        } catch let e as YamlError {
            throw ctx.error("", "not valid YAML: \(oneLine(e))")
        } catch {
            throw ctx.error("", "not valid YAML: \(error)")
        }
        guard root.mapping != nil else { throw ctx.error("", "the scene must be a YAML mapping") }
        try refuseDuplicateKeys(root, at: "", ctx)
        try ctx.allowOnly(root, [
            "name", "grid", "landcover", "parameters", "canopy_height", "periods", "zones", "redline", "models",
            "uncertainty", "valuation", "compensation", "scenario", "plots",
        ], at: "")

        let name = try ctx.string(root["name"], "name", optional: true) ?? "scene"
        let grid = try parseGrid(root["grid"], ctx)
        let landcover = try ctx.rasterRef(try ctx.require(root["landcover"], "landcover"), "landcover")
        let parameters = try ctx.string(try ctx.require(root["parameters"], "parameters"), "parameters")!
        let canopy = try root["canopy_height"].map { try parseCanopy($0, ctx) }
        let periods = try parsePeriods(try ctx.require(root["periods"], "periods"), ctx)
        let zones = try parseZones(try ctx.require(root["zones"], "zones"), ctx)
        let redline = try root["redline"].map { try parseRedline($0, ctx) }
        let options = try parseModels(root["models"], ctx)
        let accounting = try parseAccounting(root, zones: zones, ctx)
        if case .knn = options.agb {
            guard accounting.plots != nil else { throw ctx.error("models.agb", "knn imputes AGB from the scene's plots; add a plots block") }
            guard canopy != nil else { throw ctx.error("models.agb", "knn needs canopy_height (its predictors are heights and NDVI)") }
            guard accounting.uncertainty == nil else {
                throw ctx.error("models.agb", "knn cannot be combined with uncertainty yet (its Monte Carlo covers the allometry's agb_a)")
            }
        }
        return Scene(file: file, name: name, grid: grid, landcover: landcover, parameters: parameters,
                     canopy: canopy, periods: periods, zones: zones, redline: redline, options: options,
                     accounting: accounting)
    }

    /// YAML keeps only one of two equal keys of a mapping, silently: refuse them, naming the
    /// key and its line, wherever they are.
    static func refuseDuplicateKeys(_ node: Node, at field: String, _ ctx: Context) throws {
        func child(_ key: String) -> String { field.isEmpty ? key : field + "." + key }
        switch node {
        case .mapping(let m):
            var seen: [String: Int] = [:]
            for (key, value) in m {
                let name = key.string ?? "\(key)"
                let line = key.mark.map { $0.line } ?? 0
                if let first = seen[name] {
                    throw ctx.error(child(name), "duplicate key (lines \(first) and \(line)); YAML would keep only one of them")
                }
                seen[name] = line
                try refuseDuplicateKeys(value, at: child(name), ctx)
            }
        case .sequence(let items):
            for (i, item) in items.enumerated() { try refuseDuplicateKeys(item, at: "\(field)[\(i)]", ctx) }
        default:
            return
        }
    }

    static func parseGrid(_ node: Node?, _ ctx: Context) throws -> GridSpec {
        guard let node else { return .reference("landcover") }
        guard node.mapping != nil else { throw ctx.error("grid", "expected a mapping: {reference: landcover} or {crs, resolution, bounds}") }
        try ctx.allowOnly(node, ["reference", "crs", "resolution", "bounds"], at: "grid")
        if let ref = node["reference"] {
            return .reference(try ctx.string(ref, "grid.reference")!)
        }
        let crs = try ctx.string(try ctx.require(node["crs"], "grid.crs"), "grid.crs")!
        let res = try ctx.number(try ctx.require(node["resolution"], "grid.resolution"), "grid.resolution")
        guard res > 0 else { throw ctx.error("grid.resolution", "must be positive, got \(res)") }
        guard let seq = try ctx.require(node["bounds"], "grid.bounds").sequence, seq.count == 4 else {
            throw ctx.error("grid.bounds", "expected [xmin, ymin, xmax, ymax]")
        }
        let b = try seq.enumerated().map { try ctx.number($1, "grid.bounds[\($0)]") }
        guard b[0] < b[2], b[1] < b[3] else { throw ctx.error("grid.bounds", "xmin < xmax and ymin < ymax must hold") }
        return .explicit(crs: crs, resolution: res, bounds: b)
    }

    static func parseCanopy(_ node: Node, _ ctx: Context) throws -> CanopySpec {
        if node.mapping != nil, node["dsm"] != nil || node["dtm"] != nil {
            try ctx.allowOnly(node, ["dsm", "dtm"], at: "canopy_height")
            let dsm = try ctx.rasterRef(try ctx.require(node["dsm"], "canopy_height.dsm"), "canopy_height.dsm")
            let dtm = try ctx.rasterRef(try ctx.require(node["dtm"], "canopy_height.dtm"), "canopy_height.dtm")
            return .dsmDtm(dsm: dsm, dtm: dtm)
        }
        return .chm(try ctx.rasterRef(node, "canopy_height"))
    }

    static func parsePeriods(_ node: Node, _ ctx: Context) throws -> [Period] {
        guard let seq = node.sequence else { throw ctx.error("periods", "expected a list of 12 monthly periods") }
        var periods: [Period] = []
        for (i, p) in seq.enumerated() {
            let f = "periods[\(i)]"
            guard p.mapping != nil else { throw ctx.error(f, "expected a mapping with month, ndvi (or red and nir), temperature, precipitation, radiation") }
            try ctx.allowOnly(p, ["month", "ndvi", "red", "nir", "temperature", "precipitation", "radiation"], at: f)
            let monthText = try ctx.string(try ctx.require(p["month"], "\(f).month"), "\(f).month")!
            guard let month = parseMonth(monthText) else {
                throw ctx.error("\(f).month", "expected YYYY-MM, got '\(monthText)'")
            }
            let ndvi: NDVISource
            if let n = p["ndvi"] {
                guard p["red"] == nil, p["nir"] == nil else { throw ctx.error(f, "give either ndvi or red and nir, not both") }
                ndvi = .ndvi(try ctx.rasterRef(n, "\(f).ndvi"))
            } else if p["red"] != nil || p["nir"] != nil {
                ndvi = .redNir(red: try ctx.rasterRef(try ctx.require(p["red"], "\(f).red"), "\(f).red"),
                               nir: try ctx.rasterRef(try ctx.require(p["nir"], "\(f).nir"), "\(f).nir"))
            } else {
                throw ctx.error("\(f).ndvi", "missing (give ndvi, or red and nir)")
            }
            periods.append(Period(
                month: month, ndvi: ndvi,
                temperature: try ctx.rasterRef(try ctx.require(p["temperature"], "\(f).temperature"), "\(f).temperature"),
                precipitation: try ctx.rasterRef(try ctx.require(p["precipitation"], "\(f).precipitation"), "\(f).precipitation"),
                radiation: try ctx.rasterRef(try ctx.require(p["radiation"], "\(f).radiation"), "\(f).radiation")))
        }
        guard periods.count == 12 else {
            throw ctx.error("periods", "the CASA model needs exactly 12 monthly periods, found \(periods.count)")
        }
        var seen: [YearMonth: Int] = [:]
        for (i, p) in periods.enumerated() {
            if let j = seen[p.month] {
                throw ctx.error("periods[\(i)].month", "\(p.month) repeats periods[\(j)]: the 12 months must be distinct")
            }
            seen[p.month] = i
        }
        let calendarMonths = Set(periods.map(\.month.month))
        guard calendarMonths.count == 12 else {
            throw ctx.error("periods", "the 12 periods must cover each calendar month once (January to December)")
        }
        return periods.sorted { $0.month < $1.month }
    }

    static func parseZones(_ node: Node, _ ctx: Context) throws -> ZonesSpec {
        guard node.mapping != nil else { throw ctx.error("zones", "expected a mapping with path, layer and levels") }
        try ctx.allowOnly(node, ["path", "layer", "levels", "coverage"], at: "zones")
        let path = try ctx.string(try ctx.require(node["path"], "zones.path"), "zones.path")!
        let layer = try ctx.string(node["layer"], "zones.layer", optional: true)
        guard let seq = try ctx.require(node["levels"], "zones.levels").sequence, !seq.isEmpty else {
            throw ctx.error("zones.levels", "expected a non-empty list of {name, id, label}")
        }
        var levels: [ZoneLevel] = []
        for (i, l) in seq.enumerated() {
            let f = "zones.levels[\(i)]"
            guard l.mapping != nil else { throw ctx.error(f, "expected {name, id, label}") }
            try ctx.allowOnly(l, ["name", "id", "label"], at: f)
            let level = ZoneLevel(name: try ctx.string(try ctx.require(l["name"], "\(f).name"), "\(f).name")!,
                                  idField: try ctx.string(try ctx.require(l["id"], "\(f).id"), "\(f).id")!,
                                  labelField: try ctx.string(l["label"], "\(f).label", optional: true))
            if levels.contains(where: { $0.name == level.name }) {
                throw ctx.error("\(f).name", "level '\(level.name)' is named twice")
            }
            levels.append(level)
        }
        var coverage = Coverage.exact
        if let text = try ctx.string(node["coverage"], "zones.coverage", optional: true) {
            guard let c = Coverage(rawValue: text) else {
                throw ctx.error("zones.coverage", "'\(text)' is not a coverage (expected exact or centre)")
            }
            coverage = c
        }
        return ZonesSpec(path: path, layer: layer, levels: levels, coverage: coverage)
    }

    static func parseRedline(_ node: Node, _ ctx: Context) throws -> RedlineSpec {
        if node.mapping != nil {
            try ctx.allowOnly(node, ["path", "layer"], at: "redline")
            return RedlineSpec(path: try ctx.string(try ctx.require(node["path"], "redline.path"), "redline.path")!,
                               layer: try ctx.string(node["layer"], "redline.layer", optional: true))
        }
        return RedlineSpec(path: try ctx.string(node, "redline")!, layer: nil)
    }

    static func parseModels(_ node: Node?, _ ctx: Context) throws -> ModelOptions {
        guard let node else { return ModelOptions(rh: .pei2009, carbonFraction: 0.47) }
        guard node.mapping != nil else { throw ctx.error("models", "expected a mapping") }
        try ctx.allowOnly(node, ["npp", "rh", "rh_q10", "carbon_fraction", "agb", "knn_k"], at: "models")
        if let npp = try ctx.string(node["npp"], "models.npp", optional: true), npp != "casa" {
            throw ctx.error("models.npp", "unknown NPP model '\(npp)' (the only one is casa)")
        }
        let rhName = try ctx.string(node["rh"], "models.rh", optional: true) ?? "pei2009"
        let rh: RhModel
        switch rhName {
        case "pei2009":
            rh = .pei2009
        case "q10":
            let q = node["rh_q10"]
            if let q, q.mapping == nil { throw ctx.error("models.rh_q10", "expected {r_ref, q10, t_ref}") }
            if let q { try ctx.allowOnly(q, ["r_ref", "q10", "t_ref"], at: "models.rh_q10") }
            let rRef = try q?["r_ref"].map { try ctx.number($0, "models.rh_q10.r_ref") } ?? 1.0
            let q10 = try q?["q10"].map { try ctx.number($0, "models.rh_q10.q10") } ?? 2.0
            let tRef = try q?["t_ref"].map { try ctx.number($0, "models.rh_q10.t_ref") } ?? 10
            guard rRef >= 0 else { throw ctx.error("models.rh_q10.r_ref", "must not be negative, got \(rRef)") }
            guard q10 > 0 else { throw ctx.error("models.rh_q10.q10", "must be positive, got \(q10)") }
            rh = .q10(rRef: rRef, q10: q10, tRef: tRef)
        default:
            throw ctx.error("models.rh", "unknown respiration model '\(rhName)' (pei2009 or q10)")
        }
        let cf = try node["carbon_fraction"].map { try ctx.number($0, "models.carbon_fraction") } ?? 0.47
        guard cf > 0, cf <= 1 else { throw ctx.error("models.carbon_fraction", "must be in (0, 1], got \(cf)") }
        let agb: AGBModel
        switch try ctx.string(node["agb"], "models.agb", optional: true) ?? "allometric" {
        case "allometric":
            guard node["knn_k"] == nil else { throw ctx.error("models.knn_k", "only for models.agb: knn") }
            agb = .allometric
        case "knn":
            let k = try SceneParser.integer(node["knn_k"], "models.knn_k", ctx, default: 5)
            guard k >= 1 else { throw ctx.error("models.knn_k", "must be at least 1, got \(k)") }
            agb = .knn(k: k)
        case let other: throw ctx.error("models.agb", "unknown AGB model '\(other)' (allometric or knn)")
        }
        return ModelOptions(rh: rh, carbonFraction: cf, agb: agb)
    }

    static func parseMonth(_ text: String) -> YearMonth? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        return YearMonth(year: y, month: m)
    }

    static func absolutePath(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.path
    }

    /// The parser's whole explanation on one line: where, what, and in which construct.
    static func oneLine(_ e: YamlError) -> String {
        func explain(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> String {
            var text = "line \(mark.line), column \(mark.column): \(problem)"
            if let c = context { text += " (\(c.text) at line \(c.mark.line), column \(c.mark.column))" }
            return text
        }
        switch e {
        case .scanner(let c, let p, let m, _), .parser(let c, let p, let m, _), .composer(let c, let p, let m, _):
            return explain(c, p, m)
        case .reader(let problem, let offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        default:
            return String(describing: e).split(separator: "\n").joined(separator: " ")
        }
    }
}

/// Field access with errors that name the scene file and field.
struct Context {
    let file: String

    func error(_ field: String, _ message: String) -> SceneError {
        SceneError(file: file, field: field, message: message)
    }

    func require(_ node: Node?, _ field: String) throws -> Node {
        guard let node, !(node.scalar.map { $0.string.isEmpty && $0.style == .plain } ?? false) else {
            throw error(field, "missing")
        }
        return node
    }

    func allowOnly(_ node: Node, _ keys: Set<String>, at field: String) throws {
        guard let mapping = node.mapping else { return }
        for key in mapping.keys {
            let k = key.string ?? "\(key)"
            if !keys.contains(k) {
                let where_ = field.isEmpty ? k : "\(field).\(k)"
                throw error(where_, "unknown key (expected one of: \(keys.sorted().joined(separator: ", ")))")
            }
        }
    }

    func string(_ node: Node?, _ field: String, optional: Bool = false) throws -> String? {
        guard let node else {
            if optional { return nil }
            throw error(field, "missing")
        }
        guard let s = node.scalar?.string else { throw error(field, "expected a text value") }
        return s
    }

    /// A finite number (NaN only where `allowNaN`, for nodata values).
    func number(_ node: Node, _ field: String, allowNaN: Bool = false) throws -> Double {
        let text = node.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
        if allowNaN, ["nan", ".nan"].contains(text.lowercased()) { return .nan }
        guard let v = Double(text), v.isFinite else {
            throw error(field, "expected a finite number, got '\(node.scalar?.string ?? "a non-scalar")'")
        }
        return v
    }

    /// `path`, `PATH#BAND` or `{path, band, scale, offset, nodata}`.
    func rasterRef(_ node: Node, _ field: String) throws -> RasterRef {
        if let s = node.scalar?.string {
            guard !s.isEmpty else { throw error(field, "missing") }
            if let hash = s.lastIndex(of: "#") {
                let p = String(s[..<hash]), b = String(s[s.index(after: hash)...])
                guard let band = Int(b), band >= 1, !p.isEmpty else {
                    throw error(field, "'\(s)': after # comes a band number (1 or more)")
                }
                return RasterRef(path: p, band: band)
            }
            return RasterRef(path: s)
        }
        guard node.mapping != nil else { throw error(field, "expected a path or {path, band, scale, offset, nodata}") }
        try allowOnly(node, ["path", "band", "scale", "offset", "nodata"], at: field)
        let path = try string(try require(node["path"], "\(field).path"), "\(field).path")!
        var band = 1
        if let b = node["band"] {
            guard let v = b.scalar.flatMap({ Int($0.string) }), v >= 1 else {
                throw error("\(field).band", "expected a band number (1 or more)")
            }
            band = v
        }
        return RasterRef(path: path, band: band,
                         scale: try node["scale"].map { try number($0, "\(field).scale") },
                         offset: try node["offset"].map { try number($0, "\(field).offset") },
                         nodata: try node["nodata"].map { try number($0, "\(field).nodata", allowNaN: true) })
    }
}
