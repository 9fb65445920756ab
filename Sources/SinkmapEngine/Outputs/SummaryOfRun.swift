import GDALKit
import SinkmapAccounting
import SinkmapArchive
import SinkmapKernels
import SinkmapScene

/// `summary.json` of a run: the archive's schema (`Summary`) filled from the prepared scene,
/// the totals and what was left out.
extension Summary {
    public init(scene: PreparedScene, total: ZoneTotals, lcMissingArea: Int128, leftOut: LeftOut, run: RunInfo, inputs: [Input],
                outputs: [OutputFile], timings: [String: Double], warnings: [String], version: String,
                shards: [ShardInfo]? = nil) {
        let g = scene.grid
        let options = scene.scene.options
        let checksum = Dictionary(inputs.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        let bands = scene.bandsUsed.map { u in
            BandUse(role: u.role, month: u.month, path: u.raster.path, band: u.raster.band, scale: u.raster.scale,
                    offset: u.raster.offset, nodata: u.raster.nodata, resampling: u.raster.resamplingDescription,
                    sha256: checksum[u.raster.path])
        }
        let respiration: Respiration
        switch options.rh {
        case .pei2009: respiration = Respiration(model: "pei2009")
        case .q10(let r, let q, let t): respiration = Respiration(model: "q10", rRef: r, q10: q, tRef: t)
        }
        var parameters = Parameters(
            respiration: respiration, carbonFraction: options.carbonFraction, table: scene.scene.parameters,
            classes: scene.table.classes.map { c in
                ClassRow(code: c.code, name: c.name, ecosystem: c.ecosystem.rawValue, epsMax: c.epsMax, ndviMin: c.ndviMin,
                         ndviMax: c.ndviMax, agbA: c.agbA, agbB: c.agbB, rootShoot: c.rootShoot, cAbove: c.cAbove,
                         cBelow: c.cBelow, cSoil: c.cSoil, cDead: c.cDead)
            })
        if case .knn(let k) = options.agb { parameters.agbModel = "knn (k \(k))" }
        self.init(
            software: Software(name: "sinkmap", version: version, gdal: GDAL.version, build: KernelBuild.target),
            scene: SceneInfo(name: scene.scene.name, file: scene.scene.file),
            grid: GridInfo(crs: scene.crsName, epsg: scene.crsEPSG, width: g.width, height: g.height, pixels: g.pixelCount,
                           geotransform: g.transform.gdal),
            totals: Totals(total, lcMissingArea: lcMissingArea), leftOut: LeftOutInfo(leftOut), inputs: inputs,
            months: scene.scene.periods.map { "\($0.month)" }, bands: bands, outputs: outputs, parameters: parameters,
            run: run, timingsSeconds: timings, warnings: warnings, shards: shards)
    }
}
