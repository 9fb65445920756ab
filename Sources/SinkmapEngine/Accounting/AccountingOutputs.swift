import Foundation
import SinkmapScene
import SinkmapAccounting
import SinkmapArchive

/// The accounting tables a scene asks for beyond the one map: `uncertainty.csv`,
/// `valuation.csv`, `compensation.csv`, `scenario/`, `estimates.csv`. Returns the files written.
enum AccountingOutputs {
    static func write(_ sums: ZonalAccumulator, rolled: [[[ZoneTotals]]], scene: PreparedScene, out: OutputDirectory) throws -> [String] {
        var files: [String] = []
        let options = scene.scene.accounting
        if let u = options.uncertainty, let sd = scene.parameterSD, let classSums = sums.classSums {
            let draws = ParameterDraws(sd: sd, rhScaleSD: u.rhScaleSD, draws: u.draws, seed: u.seed)
            let text = Uncertainty.csv(classSums, hierarchy: scene.zones, rolled: rolled, table: scene.table, draws: draws)
            try OutputDirectory.write(text, to: out.file("uncertainty.csv"))
            files.append("uncertainty.csv")
        }
        if let v = options.valuation {
            try OutputDirectory.write(Valuation.csv(v, hierarchy: scene.zones, rolled: rolled), to: out.file("valuation.csv"))
            files.append("valuation.csv")
        }
        if let c = options.compensation {
            let text = try Compensation.csv(c, hierarchy: scene.zones, rolled: rolled, layout: sums.layout)
            try OutputDirectory.write(text, to: out.file("compensation.csv"))
            files.append("compensation.csv")
        }
        if scene.plotsPath != nil {
            try OutputDirectory.write(try Estimates.csv(scene: scene, agbRaster: out.file("agb.tif")), to: out.file("estimates.csv"))
            files.append("estimates.csv")
        }
        if sums.scenario != nil {
            try FileManager.default.createDirectory(atPath: out.file("scenario"), withIntermediateDirectories: true)
            for (file, text) in Scenario.tables(sums, baseRolled: rolled, scene: scene) {
                try OutputDirectory.write(text, to: out.file(file))
                files.append(file)
            }
        }
        return files
    }
}
