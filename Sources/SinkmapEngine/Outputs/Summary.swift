import Foundation
import GDALKit
import SinkmapKernels
import SinkmapScene

/// `summary.json`: scene totals, pixels left out and why, inputs with checksums,
/// parameters, software version and timings. Keys are sorted so runs diff cleanly.
public enum Summary {
    static func json(scene: PreparedScene, report: RunReport, threads: Int, checksums: [(InputFile, String, Int64)],
                     version: String, ioOnly: Bool) throws -> String {
        let t = report.total
        let g = scene.grid
        let lo = report.leftOut
        let rh: [String: Any]
        switch scene.scene.options.rh {
        case .pei2009: rh = ["model": "pei2009"]
        case .q10(let r, let q, let tr): rh = ["model": "q10", "r_ref": r, "q10": q, "t_ref": tr]
        }
        var root: [String: Any] = [
            "software": ["name": "sinkmap", "version": version, "gdal": GDAL.version],
            "scene": ["name": scene.scene.name, "file": scene.scene.file],
            "grid": [
                "crs": scene.crsName, "epsg": scene.crsEPSG ?? NSNull(), "width": g.width, "height": g.height,
                "geotransform": g.transform.gdal, "pixels": g.pixelCount,
            ],
            "totals": [
                "pixels": t.pixels, "area_ha": t.areaHectares, "npp_tc": t.nppTonnes, "rh_tc": t.rhTonnes,
                "nep_tc": t.nepTonnes, "carbon_tc": t.carbonTonnes, "nep_tco2e": t.nepTonnes * 44 / 12,
                "carbon_tco2e": t.carbonTonnes * 44 / 12,
            ],
            "left_out": [
                "landcover_nodata": lo.landcoverNodata,
                "unknown_codes": lo.unknownCodes.keys.sorted().map { ["code": $0, "pixels": lo.unknownCodes[$0]!] },
                "unknown_code_pixels": lo.unknownCodes.values.reduce(0, +),
                "outside_zones": lo.outsideZones,
                "monthly_input_nodata": lo.monthlyInputNodata,
                "negative_precipitation": lo.negativePrecipitation,
            ],
            "inputs": checksums.map { f, sha, bytes in ["role": f.role, "path": f.path, "bytes": bytes, "sha256": sha] },
            "parameters": [
                "respiration": rh, "carbon_fraction": scene.scene.options.carbonFraction, "table": scene.scene.parameters,
                "classes": scene.table.classes.map { c in
                    ["code": c.code, "name": c.name, "ecosystem": c.ecosystem.rawValue, "eps_max": c.epsMax,
                     "ndvi_min": c.ndviMin, "ndvi_max": c.ndviMax, "agb_a": c.agbA ?? NSNull(), "agb_b": c.agbB ?? NSNull(),
                     "root_shoot": c.rootShoot, "c_above": c.cAbove, "c_below": c.cBelow, "c_soil": c.cSoil, "c_dead": c.cDead] as [String: Any]
                },
            ],
            "run": ["threads": threads, "tile_size": report.tileSize, "tiles": report.tiles],
            "timings_seconds": Dictionary(uniqueKeysWithValues: report.timings),
        ]
        if ioOnly { root["benchmark_io_only"] = true }
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
