import Foundation
import GDALKit
import SinkmapArchive
import Testing
import TestSupport

/// A generated 4-year series (fixed seeds) on one 10 × 8 grid with one zone layer: each year a
/// `MiniScene` (its own climate and NDVI, NDVI raised 4 % a year), and land cover changing in
/// a known area — the grassland pixels of rows 0–2, columns 6–9, become forest from 2021 on.
/// Without lidar those pixels' carbon stock goes from the grass pools (3 + 6 + 60 + 1 = 70
/// Mg C/ha) to the forest pools (60 + 14 + 90 + 5 = 169).
///
/// Layout: `zones.gpkg`, `classes.csv`; `<year>/` with the rasters and `scene.yaml` (paths
/// `../zones.gpkg`, `../classes.csv`); `template.yaml` with `{year}/...`; `series.yaml`
/// (mapping form) and `series-template.yaml` (template form).
struct SeriesScene {
    static let years = [2019, 2020, 2021, 2022]
    static let width = 10, height = 8
    static let changeYear = 2021

    /// Pixels (row-major) whose class changes from grassland (10) to forest (4).
    static var changedPixels: [Int] {
        let base = MiniScene(width: width, height: height, seed: 1)
        return (0..<(width * height)).filter { i in i / width < 3 && i % width >= 6 && base.landcover[i] == 10 }
    }

    static func scene(year: Int) -> MiniScene {
        let k = years.firstIndex(of: year)!
        var s = MiniScene(width: width, height: height, seed: 7000 + UInt64(k))
        for m in 0..<12 { s.ndvi[m] = s.ndvi[m].map { f32($0 * (1 + 0.04 * Double(k))) } }
        if year >= changeYear { for i in changedPixels { s.landcover[i] = 4 } }
        return s
    }

    /// Writes everything into `dir`.
    static func write(to dir: TempDir) throws {
        var template = ""
        for year in years {
            let tmp = TempDir("series-year")
            let scenePath = try scene(year: year).write(to: tmp)
            let yearDir = dir.file(String(year))
            try FileManager.default.createDirectory(atPath: yearDir, withIntermediateDirectories: true)
            for f in ["lc.tif", "t.tif", "p.tif", "s.tif", "ndvi.tif"] {
                try FileManager.default.copyItem(atPath: tmp.file(f), toPath: yearDir + "/" + f)
            }
            if year == years[0] {
                try FileManager.default.copyItem(atPath: tmp.file("zones.gpkg"), toPath: dir.file("zones.gpkg"))
                try FileManager.default.copyItem(atPath: tmp.file("classes.csv"), toPath: dir.file("classes.csv"))
            }
            let text = try String(contentsOfFile: scenePath, encoding: .utf8)
                .replacingOccurrences(of: "month: 2023-", with: "month: \(year)-")
                .replacingOccurrences(of: "name: scene-path-test", with: "name: series-\(year)")
            try text.replacingOccurrences(of: "parameters: classes.csv", with: "parameters: ../classes.csv")
                .replacingOccurrences(of: "path: zones.gpkg", with: "path: ../zones.gpkg")
                .write(toFile: yearDir + "/scene.yaml", atomically: true, encoding: .utf8)
            if year == years[0] {
                template = text.replacingOccurrences(of: "month: \(year)-", with: "month: {year}-")
                    .replacingOccurrences(of: "name: series-\(year)", with: "name: series-{year}")
                for f in ["lc.tif", "ndvi.tif", "t.tif", "p.tif", "s.tif"] {
                    template = template.replacingOccurrences(of: " \(f)", with: " {year}/\(f)")
                }
            }
        }
        try template.write(toFile: dir.file("template.yaml"), atomically: true, encoding: .utf8)
        try seriesFile(years: years).write(toFile: dir.file("series.yaml"), atomically: true, encoding: .utf8)
        let list = years.map(String.init).joined(separator: ", ")
        try "name: series-test\ntemplate: template.yaml\nyears: [\(list)]\n"
            .write(toFile: dir.file("series-template.yaml"), atomically: true, encoding: .utf8)
    }

    /// A series file in the mapping form over `years`, with scene files `<year>/<scene>`.
    static func seriesFile(years: [Int], scene: String = "scene.yaml") -> String {
        "name: series-test\nyears:\n" + years.map { "  \($0): \($0)/\(scene)\n" }.joined()
    }
}

/// A CSV written by sinkmap (no line breaks inside fields), as dictionaries by column.
struct CSVRows {
    let header: [String]
    let rows: [[String: String]]

    init(path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let columns = ZonalCSV.split(lines[0])
        header = columns
        rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(columns, ZonalCSV.split($0))) }
    }
}
