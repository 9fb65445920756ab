import Foundation
import SinkmapAccounting
import SinkmapArchive
import SinkmapScene

/// The accounting tables a scene asks for beyond the one map, as output writers in the order the
/// summary lists them: `uncertainty.csv`, `valuation.csv`, `compensation.csv`, `estimates.csv`
/// (which reads the finished `agb.tif`), `scenario/`.
enum AccountingOutputs {
    static func writers(_ sums: ZonalAccumulator, rolled: [[[ZoneTotals]]], plan: RunPlan) -> [OutputWriter] {
        let scene = plan.scene
        let options = scene.scene.accounting
        /// A writer of one table whose text needs nothing of the run directory.
        func table(_ file: String, reads: Set<String> = [], _ text: @escaping (OutputDirectory) throws -> String) -> OutputWriter {
            OutputWriter(name: file, reads: reads) { out in
                try OutputDirectory.write(try text(out), to: out.file(file))
                return [file]
            }
        }
        var writers: [OutputWriter] = []
        if let u = options.uncertainty, let sd = scene.parameterSD, let classSums = sums.classSums {
            writers.append(table("uncertainty.csv") { _ in
                let draws = ParameterDraws(sd: sd, rhScaleSD: u.rhScaleSD, draws: u.draws, seed: u.seed)
                return Uncertainty.csv(classSums, hierarchy: scene.zones, rolled: rolled, table: scene.table, draws: draws)
            })
        }
        if let v = options.valuation {
            writers.append(table("valuation.csv") { _ in Valuation.csv(v, hierarchy: scene.zones, rolled: rolled) })
        }
        if let c = options.compensation {
            writers.append(table("compensation.csv") { _ in try Compensation.csv(c, hierarchy: scene.zones, rolled: rolled, layout: sums.layout) })
        }
        if scene.plotsPath != nil {
            writers.append(table("estimates.csv", reads: ["agb.tif"]) { out in
                try Estimates.csv(scene: scene, plots: plan.plots ?? Estimates.plots(scene), agbRaster: out.file("agb.tif"))
            })
        }
        if sums.scenario != nil {
            writers.append(OutputWriter(name: "scenario/") { out in
                try FileManager.default.createDirectory(atPath: out.file("scenario"), withIntermediateDirectories: true)
                return try Scenario.tables(sums, baseRolled: rolled, scene: scene).map { file, text in
                    try OutputDirectory.write(text, to: out.file(file))
                    return file
                }
            })
        }
        return writers
    }
}
