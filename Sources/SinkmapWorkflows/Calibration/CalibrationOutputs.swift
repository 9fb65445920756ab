import Foundation
import SinkmapKernels
import SinkmapScene
import SinkmapArchive
import SinkmapEngine
import SinkmapAccounting
import SinkmapBase

/// `calibration.json`: what was fitted, how well, and from what.
public struct CalibrationReport: Codable, Sendable {
    public struct ClassEntry: Codable, Sendable {
        public var code: Int
        public var name: String
        /// "fitted", or why the class keeps its table values.
        public var status: String
        /// The values written to `classes.calibrated.csv` (the table's when not fitted).
        public var agbA: Double?, agbB: Double?
        public var fit: AllometricFit?
        /// In-sample accuracy of the fit (original scale, Mg/ha) over the plots it used.
        public var fitAccuracy: Accuracy?
        enum CodingKeys: String, CodingKey {
            case code, name, status, fit
            case agbA = "agb_a", agbB = "agb_b", fitAccuracy = "fit_accuracy"
        }
    }
    public struct CrossValidation: Codable, Sendable {
        /// All plots, and per class code.
        public var all: Accuracy
        public var classes: [String: Accuracy]
        public var targetMet: Bool
        enum CodingKeys: String, CodingKey { case all, classes, targetMet = "target_met" }
    }
    public var softwareVersion: String
    public var plotsFile: String
    public var plotsSHA256: String
    public var model: String
    public var seed: UInt64
    public var folds: Int
    public var k: Int
    public var target: Double
    public var plotsUsed: Int
    public var plotsSkipped: [String: [String]]
    public var classes: [ClassEntry]
    public var crossValidation: [String: CrossValidation]

    enum CodingKeys: String, CodingKey {
        case model, seed, folds, k, target, classes
        case softwareVersion = "software_version", plotsFile = "plots_file", plotsSHA256 = "plots_sha256"
        case plotsUsed = "plots_used", plotsSkipped = "plots_skipped", crossValidation = "cross_validation"
    }
}

extension Calibration {
    /// Writes `classes.calibrated.csv`, `calibration.json`, `cv_folds.csv` and `cv_scatter.svg`
    /// into `dir`; returns the lines to print.
    public static func write(_ r: CalibrationResult, scene: PreparedScene, source: PlotSource, options o: CalibrationOptions,
                             softwareVersion: String, into dir: OutputDirectory) throws -> [String] {
        var lines: [String] = []
        var entries: [CalibrationReport.ClassEntry] = []
        var table = r.table
        for (c, result) in r.fits.sorted(by: { $0.key < $1.key }) {
            let cls = r.table.classes[c]
            var e = CalibrationReport.ClassEntry(code: cls.code, name: cls.name, status: "fitted", agbA: cls.agbA, agbB: cls.agbB)
            switch result {
            case .success(let f):
                e.agbA = f.a; e.agbB = f.b; e.fit = f
                table.classes[c].agbA = f.a; table.classes[c].agbB = f.b
                let mine = r.plots.filter { $0.classIndex == c && $0.predictors.height > 0 && $0.agb > 0 }
                e.fitAccuracy = Accuracy.of(observed: mine.map(\.agb),
                                            predicted: mine.map { AllometricFit.predict(a: f.a, b: f.b, height: $0.predictors.height) })
                lines.append("class \(cls.code) \(cls.name): AGB = \(fmt(f.a))·H^\(fmt(f.b)) from \(f.n) plots (R² of ln AGB \(fmt(f.r2)), s² \(fmt(f.s2)))")
            case .failure(let why):
                let reason: String
                switch why {
                case .tooFew(let n): reason = "only \(n) plots with H > 0 and AGB > 0 (--min-plots \(o.minPlots))"
                case .constantHeight: reason = "its plots' heights do not vary"
                }
                e.status = "kept the table's values: " + reason
                lines.append("class \(cls.code) \(cls.name): keeps the table's values (\(reason))")
            }
            entries.append(e)
        }
        var cv: [String: CalibrationReport.CrossValidation] = [:]
        for model in CalibrationOptions.Model.allCases {
            let p = r.predicted[model]!
            guard let all = Accuracy.of(observed: r.plots.map(\.agb), predicted: p) else { continue }
            var classes: [String: Accuracy] = [:]
            for c in Set(r.plots.map(\.classIndex)) {
                let idx = r.plots.indices.filter { r.plots[$0].classIndex == c }
                classes[String(r.table.classes[c].code)] = Accuracy.of(observed: idx.map { r.plots[$0].agb }, predicted: idx.map { p[$0] })
            }
            cv[model.rawValue] = .init(all: all, classes: classes, targetMet: all.accuracy >= o.target)
            let met = all.accuracy >= o.target ? "meets" : "does not meet"
            lines.append("\(model.rawValue), \(o.folds)-fold cross-validation over \(all.n) plots: RMSE \(fmt(all.rmse)) Mg/ha, relative RMSE \(pct(all.relativeRMSE)), bias \(fmt(all.bias)) Mg/ha; accuracy \(pct(all.accuracy)) \(met) the target \(pct(o.target))")
        }

        let sha = try Checksums.sha256(path: source.path).hex
        var skipped: [String: [String]] = [:]
        for s in r.skipped { skipped[s.reason.rawValue] = s.ids }
        if !r.skipped.isEmpty {
            lines.append("left out (--skip-bad): " + r.skipped.map { "\($0.ids.count) \($0.reason.rawValue)" }.joined(separator: "; "))
        }
        let report = CalibrationReport(softwareVersion: softwareVersion, plotsFile: source.path, plotsSHA256: sha, model: o.model.rawValue,
                                       seed: o.seed, folds: o.folds, k: o.k, target: o.target, plotsUsed: r.plots.count,
                                       plotsSkipped: skipped, classes: entries, crossValidation: cv)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try OutputDirectory.write(String(decoding: try enc.encode(report), as: UTF8.self) + "\n", to: dir.file("calibration.json"))

        guard let tablePath = scene.inputFiles.first(where: { $0.role == "parameters" })?.path,
              let text = FileManager.default.contents(atPath: tablePath).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Refusal("the scene's parameter table could not be read again")
        }
        try OutputDirectory.write(try calibratedTable(text, table: table), to: dir.file("classes.calibrated.csv"))

        var folds = "model,plot_id,class,fold,observed,predicted\n"
        for model in CalibrationOptions.Model.allCases {
            for (i, p) in r.plots.enumerated() {
                folds += "\(model.rawValue),\(ZonalTable.quote(p.id)),\(r.table.classes[p.classIndex].code),\(r.fold[i] + 1),\(p.agb),\(r.predicted[model]![i])\n"
            }
        }
        try OutputDirectory.write(folds, to: dir.file("cv_folds.csv"))
        try OutputDirectory.write(scatter(observed: r.plots.map(\.agb), predicted: r.predicted[o.model]!, model: o.model.rawValue),
                                  to: dir.file("cv_scatter.svg"))
        return lines
    }

    /// The parameter table's own text with `agb_a` and `agb_b` replaced in the rows of `table`'s
    /// classes whose values differ (other columns and rows as they were).
    static func calibratedTable(_ text: String, table: ParameterTable) throws -> String {
        var t = text
        if t.unicodeScalars.first == "\u{FEFF}" { t.unicodeScalars.removeFirst() }
        guard let records = try? CSV.parse(t), let header = records.first else {
            throw Refusal("the scene's parameter table could not be parsed again")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let ci = names.firstIndex(of: "code"), let ai = names.firstIndex(of: "agb_a"), let bi = names.firstIndex(of: "agb_b") else {
            throw Refusal("the scene's parameter table lacks code, agb_a or agb_b")
        }
        var out = header.fields.map(ZonalTable.quote).joined(separator: ",") + "\n"
        for rec in records.dropFirst() {
            var f = rec.fields
            if f.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            if ci < f.count, let code = Int(f[ci].trimmingCharacters(in: .whitespaces)), let c = table.index(ofCode: code),
               let a = table.classes[c].agbA, let b = table.classes[c].agbB {
                while f.count <= max(ai, bi) { f.append("") }
                f[ai] = "\(a)"; f[bi] = "\(b)"
            }
            out += f.map(ZonalTable.quote).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Observed against cross-validated predicted AGB, with the 1:1 line, as SVG.
    static func scatter(observed: [Double], predicted: [Double], model: String) -> String {
        let top = max(observed.max() ?? 1, predicted.max() ?? 1, 1) * 1.05
        let size = 400.0, pad = 50.0
        func x(_ v: Double) -> String { fmt(pad + v / top * size) }
        func y(_ v: Double) -> String { fmt(pad + size - v / top * size) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size + 2 * pad))\" height=\"\(Int(size + 2 * pad))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect x=\"\(fmt(pad))\" y=\"\(fmt(pad))\" width=\"\(fmt(size))\" height=\"\(fmt(size))\" fill=\"none\" stroke=\"#444\"/>\n"
        s += "<line x1=\"\(x(0))\" y1=\"\(y(0))\" x2=\"\(x(top))\" y2=\"\(y(top))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        for (o, p) in zip(observed, predicted) where p.isFinite {
            s += "<circle cx=\"\(x(p))\" cy=\"\(y(o))\" r=\"2.5\" fill=\"#1b7837\" fill-opacity=\"0.6\"/>\n"
        }
        s += "<text x=\"\(fmt(pad + size / 2))\" y=\"\(fmt(2 * pad + size - 15))\" text-anchor=\"middle\">predicted AGB, Mg/ha (\(model), cross-validated)</text>\n"
        s += "<text x=\"15\" y=\"\(fmt(pad + size / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 15 \(fmt(pad + size / 2)))\">observed AGB, Mg/ha</text>\n"
        s += "<text x=\"\(fmt(pad))\" y=\"\(fmt(pad - 8))\">0 to \(fmt(top)) Mg/ha on both axes; dashed: 1:1</text>\n"
        return s + "</svg>\n"
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
    static func pct(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
}
