import ArgumentParser
import Foundation
import GDALKit
import SinkmapGrid
import SinkmapEngine
import SinkmapScene

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check everything `run` needs (reads no pixels it need not) and print what was found."
    )

    @Argument(help: "The scene file (YAML).")
    var scene: String

    func run() throws {
        try reportingErrors {
            let parsed = try SceneParser.load(path: scene)
            let p = try SceneValidator.prepare(parsed)
            let plots = try Estimates.plots(p)  // refuses plots outside the grid or with a bad AGB, as run does
            print(describe(p))
            if let spec = p.scene.accounting.plots, let path = p.plotsPath {
                print("Plots: \(path)\(spec.layer.map { " layer \($0)" } ?? ""), \(plots.count) plots, AGB from '\(spec.agb)'"
                      + (spec.radius.map { ", circles of \($0) m" } ?? "") + " → estimates.csv")
            }
            for w in p.warnings { warn(w) }
        }
    }
}

func describe(_ p: PreparedScene) -> String {
    let g = p.grid, t = g.transform
    var s = "Scene \(p.scene.name) (\(p.scene.file)) is valid.\n"
    s += "Grid: \(g.width) × \(g.height) pixels of \(fmt(abs(t.pixelWidth))) × \(fmt(abs(t.pixelHeight))), "
    s += "\(p.crsName)\(p.crsEPSG.map { " (\($0))" } ?? ""), origin (\(fmt(t.originX)), \(fmt(t.originY)))\n"
    s += "Land cover: \(p.landcover.path) band \(p.landcover.band) [\(p.landcover.resamplingDescription)]\n"
    s += "Periods: \(p.scene.periods.count) months, \(p.scene.periods.first!.month) to \(p.scene.periods.last!.month)\n"
    func line(_ name: String, _ r: AlignedRaster) -> String {
        "    \(name): \(r.path) band \(r.band) [\(r.resamplingDescription)]\n"
    }
    for (i, period) in p.scene.periods.enumerated() {
        s += "  \(period.month):\n"
        switch p.ndvi[i] {
        case .ndvi(let r): s += line("ndvi", r)
        case .redNir(let red, let nir): s += line("red", red) + line("nir", nir)
        }
        s += line("temperature", p.temperature[i]) + line("precipitation", p.precipitation[i]) + line("radiation", p.radiation[i])
    }
    switch p.canopy {
    case .chm(let r)?: s += "Canopy height: \(r.path) band \(r.band) [\(r.resamplingDescription)]\n"
    case .dsmDtm(let dsm, let dtm)?: s += "Canopy height: DSM \(dsm.path) − DTM \(dtm.path) [\(dsm.resamplingDescription)]\n"
    case nil: s += "Canopy height: none (carbon stock from the table's pools)\n"
    }
    s += "Parameters: \(p.table.classes.count) classes from \(p.scene.parameters)\n"
    s += "Zones: \(p.zonesPath)\(p.zonesLayer.map { " layer \($0)" } ?? ""), \(p.zones.featureToFinest.count) polygons\n"
    for (i, level) in p.zones.levels.enumerated() {
        s += "  \(level.name) (id \(level.idField)\(level.labelField.map { ", label \($0)" } ?? "")): \(p.zones.units[i].count) units\n"
    }
    s += "Red line: \(p.redlinePath ?? "none")\n"
    let rh: String
    switch p.scene.options.rh {
    case .pei2009: rh = "pei2009"
    case .q10(let r, let q, let tr): rh = "q10 (r_ref \(r), q10 \(q), t_ref \(tr))"
    }
    s += "Models: NPP casa, Rh \(rh), carbon fraction \(p.scene.options.carbonFraction)"
    if case .knn(let k) = p.scene.options.agb { s += ", AGB kNN from the plots (k \(k))" }
    return s
}
