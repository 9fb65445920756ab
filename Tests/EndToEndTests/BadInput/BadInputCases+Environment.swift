import Foundation
import TestSupport

/// The output directory, the command line and the `zonal` tool. (A second concurrent run on
/// the same `--out` is SafeRunTests' `secondConcurrentRunIsRefusedNamingTheFirst`.)
extension BadInputCase {
    /// An earlier output in `s.out`: a folder with a summary.json.
    static func earlierOutput(_ s: Scratch) throws {
        try FileManager.default.createDirectory(atPath: s.out, withIntermediateDirectories: false)
        try "{}\n".write(toFile: s.out + "/summary.json", atomically: true, encoding: .utf8)
    }

    static let landcoverPath = Scratch.demoDir + "/landcover.tif"

    static let environment: [BadInputCase] = [
        // --out.
        .refused("out-exists", "`--out` exists (an earlier output), no `--overwrite`", ["already exists", "--overwrite"]) { s in
            try earlierOutput(s)
        },
        .refused("out-not-an-output", "`--out` a folder of someone's notes, with `--overwrite`",
                 ["is not a sinkmap output", "not replacing it"], command: .run("--overwrite")) { s in
            try FileManager.default.createDirectory(atPath: s.out, withIntermediateDirectories: false)
            try "mine\n".write(toFile: s.out + "/notes.txt", atomically: true, encoding: .utf8)
        },
        .refused("out-is-a-file", "`--out` an existing file, with `--overwrite`", ["out", "is not a sinkmap output"],
                 command: .run("--overwrite")) { s in
            try "mine\n".write(toFile: s.out, atomically: true, encoding: .utf8)
        },
        .refused("out-holds-input", "`--out` the scene's own folder, with `--overwrite`", ["holds an input of the scene"],
                 command: .args { s in ["run", s.scenePath, "--out", s.dir.path, "--overwrite", "--quiet"] }),
        .refused("out-is-input-folder", "`--out` a folder of the inputs (`admin`), with `--overwrite`", ["holds an input of the scene", "townships.gpkg"],
                 command: .args { s in ["run", s.scenePath, "--out", s.file("admin"), "--overwrite", "--quiet"] }),
        .refused("out-parent-missing", "`--out` inside a folder that does not exist", ["the parent directory", "does not exist"],
                 command: .args { s in ["run", s.scenePath, "--out", s.file("no-such-folder/out"), "--quiet"] }),

        // Options.
        .usage("threads-negative", "`--threads -1`", ["--threads must be at least 1 (got -1)"], command: .run("--threads", "-1")),
        .usage("threads-zero", "`--threads 0`", ["--threads must be at least 1 (got 0)"], command: .run("--threads", "0")),
        .usage("tile-size-8", "`--tile-size 8`", ["--tile-size must be between 16 and 4096 (got 8)"], command: .run("--tile-size", "8")),
        .usage("tile-size-too-large", "`--tile-size 100000`", ["--tile-size must be between 16 and 4096"], command: .run("--tile-size", "100000")),
        .usage("memory-10", "`--memory 10` (MiB)", ["--memory must be at least 64"], command: .run("--memory", "10")),
        .usage("compress-unknown", "`--compress brotli`", ["--compress must be deflate", "(got 'brotli')"], command: .run("--compress", "brotli")),
        .usage("compress-level", "`--compress deflate:13`", ["--compress must be deflate, deflate:1-12"], command: .run("--compress", "deflate:13")),
        .refused("memory-budget-exceeded", "`--tile-size 4096 --memory 100`: tiles that would exceed the budget",
                 ["above the memory budget of 100 MiB", "--tile-size"], absent: ["1 threads"],
                 command: .run("--tile-size", "4096", "--memory", "100")),
        .usage("run-without-out", "`run SCENE` without `--out`", ["--out DIR is required"],
               command: .args { s in ["run", s.scenePath, "--quiet"] }),
        .usage("no-subcommand", "`sinkmap` alone: the help on stdout", [], stdout: ["SUBCOMMANDS", "run", "validate", "zonal", "info"],
               command: .args { _ in [] }),
        .usage("unknown-subcommand", "`sinkmap compute SCENE`", ["compute"], command: .args { s in ["compute", s.scenePath] }),
        .usage("unknown-option", "`run --output DIR` (a misspelt option)", ["--output"],
               command: .args { s in ["run", s.scenePath, "--output", s.out, "--quiet"] }),

        // zonal.
        .refused("zonal-point-layer", "`zonal` over a point layer", ["zones-point.gpkg", "Point", "must be polygons"],
                 command: .args { s in ["zonal", landcoverPath, "--zones", s.file("zones-point.gpkg")] }) { s in
            try BadInput.writeNonPolygonZones(s.file("zones-point.gpkg"), kind: "point")
        },
        .refused("zonal-out-exists", "`zonal --out` an existing file, no `--overwrite`", ["z.csv", "already exists", "--overwrite"],
                 command: .args { s in ["zonal", landcoverPath, "--zones", Scratch.demoDir + "/admin/townships.gpkg", "--out", s.file("z.csv")] }) { s in
            try "mine\n".write(toFile: s.file("z.csv"), atomically: true, encoding: .utf8)
        },
        .refused("zonal-zones-missing", "`zonal --zones` a file that does not exist", ["nowhere.gpkg"],
                 command: .args { s in ["zonal", landcoverPath, "--zones", s.file("nowhere.gpkg")] }),
        .refused("zonal-id-field-missing", "`zonal --id` a field the layer does not have", ["no field named 'code'", "town_code"],
                 command: .args { _ in ["zonal", landcoverPath, "--zones", Scratch.demoDir + "/admin/townships.gpkg", "--id", "code"] }),
        .usage("zonal-band-zero", "`zonal --band 0`", ["--band must be at least 1"],
               command: .args { _ in ["zonal", landcoverPath, "--zones", Scratch.demoDir + "/admin/townships.gpkg", "--band", "0"] }),
        .refused("zonal-band-missing", "`zonal --band 2` on a one-band raster", ["band 2 does not exist"],
                 command: .args { _ in ["zonal", landcoverPath, "--zones", Scratch.demoDir + "/admin/townships.gpkg", "--band", "2"] }),
    ]
}
