import Foundation
import GDALKit
import SinkmapEngine
import Testing
import TestSupport
import SinkmapWorkflows

/// `sinkmap composite` (issue 21) over generated Landsat C2 L2 acquisitions, against the
/// composite computed independently in `LandsatSet` from the rules.
@Suite struct CompositeTests {
    static let year = 2022

    func readBands(_ path: String, bands: Int) throws -> [[Float]] {
        let ds = try Dataset(path: path)
        return try (1...bands).map { b in
            var v = [Float](repeating: 0, count: ds.width * ds.height)
            try v.withUnsafeMutableBufferPointer {
                try ds.readRaw(band: b, window: Window(width: ds.width, height: ds.height), into: $0.baseAddress!)
            }
            return v
        }
    }

    func composite(_ args: [String]) throws {
        let r = try runProcess(Repo.sinkmap, ["composite"] + args + ["--quiet"])
        try #require(r.status == 0, "sinkmap composite failed: \(r.stderr)")
    }

    /// 270 × 40 pixels (two tiles of 256 across), both methods: every NDVI within 1e-6 and every
    /// clear count exact; March and December (no acquisition) and the cloudy west third of June
    /// filled by the interpolation; cloud shadows that would win an unmasked maximum do not; the
    /// acquisition of 2021 ignored and counted; band descriptions, types and nodata as stated.
    @Test(arguments: ["max-ndvi", "median"])
    func landsatCompositeEqualsIndependentComputation(method: String) throws {
        let dir = TempDir("composite-\(method)")
        let set = LandsatSet(width: 270, height: 40, year: Self.year, seed: 2101)
        let grid = try Fixtures.grid(crs: "EPSG:32650", originX: 300_000, originY: 3_400_000, pixel: 30, width: 270, height: 40)
        try set.write(to: dir.file("scenes"), grid: grid)
        let out = dir.file("out")
        try composite([dir.file("scenes"), "--year", "\(Self.year)", "--out", out, "--method", method, "--threads", "2"])

        let ds = try Dataset(path: out + "/ndvi.tif")
        #expect(ds.bandCount == 12 && ds.width == 270 && ds.height == 40)
        let info = try ds.bandInfo(1)
        #expect(info.type == .float32 && info.nodata == -9999)
        let descriptions = try (1...12).map { try ds.bandInfo($0).description }
        #expect(descriptions == (1...12).map { String(format: "2022-%02d", $0) })
        let cds = try Dataset(path: out + "/clear.tif")
        let clearType = try cds.bandInfo(1).type
        #expect(cds.bandCount == 12 && clearType == .uint16)
        let ndvi = try readBands(out + "/ndvi.tif", bands: 12), clear = try readBands(out + "/clear.tif", bands: 12)

        var worst = 0.0, mismatches = 0, countErrors = 0, filledChecked = 0, shadowWinners = 0
        var filledPerMonth = [Int](repeating: 0, count: 12)
        for i in 0..<set.n {
            let e = set.expected(i, year: Self.year, median: method == "median")
            for m in 0..<12 {
                let got = ndvi[m][i]
                if let want = e.ndvi[m] {
                    if got == -9999 { mismatches += 1 } else { worst = max(worst, abs(Double(got) - want)) }
                } else if got != -9999 { mismatches += 1 }
                if Int(clear[m][i]) != e.clear[m] { countErrors += 1 }
                if e.filled[m] { filledPerMonth[m] += 1; filledChecked += 1 }
            }
            // A shadow whose NDVI beats every clear observation of its month must not be the composite.
            for a in set.acquisitions where a.year == Self.year && Int(a.qa[i]) & 0b1_0000 != 0 {
                guard let shadow = LandsatSet.ndvi(a, i, masked: false), let best = e.ndvi[a.month - 1],
                      e.clear[a.month - 1] > 0, shadow > best + 0.01 else { continue }
                shadowWinners += 1
                #expect(abs(Double(ndvi[a.month - 1][i]) - shadow) > 0.01, "pixel \(i): the shadow won")
            }
        }
        #expect(worst <= 1e-6, "worst NDVI difference \(worst)")
        #expect(mismatches == 0 && countErrors == 0)
        #expect(shadowWinners > 100, "the set must hold shadows that would win an unmasked max (\(shadowWinners))")
        // March and December have no acquisition: every pixel filled, clear 0 (but pixels without any value).
        #expect(filledPerMonth[2] == set.n && filledPerMonth[11] == set.n)
        #expect(clear[2].allSatisfy { $0 == 0 } && clear[11].allSatisfy { $0 == 0 })
        // June's west third: cloudy in both acquisitions, so filled there and nowhere else.
        let west = (0..<set.n).filter { $0 % 270 < 90 }
        #expect(west.allSatisfy { clear[5][$0] == 0 } && filledPerMonth[5] >= west.count)
        #expect(filledChecked > 0)

        // One thread, tiles of the same grid: the same pixels.
        try composite([dir.file("scenes"), "--year", "\(Self.year)", "--out", dir.file("one"), "--method", method, "--threads", "1"])
        #expect(try readBands(dir.file("one/ndvi.tif"), bands: 12) == ndvi && readBands(dir.file("one/clear.tif"), bands: 12) == clear)

        let report = try CompositeReport.read(path: out + "/composite.json")
        #expect(report.method == method && report.ignoredOutsideYear.count == 1)
        #expect(report.ignoredOutsideYear.acquisitions.first?.hasPrefix("LC08_L2SP_118039_20211220") == true)
        #expect(report.months.map(\.pixelsFilled) == filledPerMonth)
        #expect(report.months[2].acquisitions.isEmpty && report.months[6].acquisitions.count == 2)
        #expect(report.inputs.count == 3 * 20 && report.inputs.allSatisfy { $0.sha256.count == 64 })
        for (m, month) in report.months.enumerated() {
            for used in month.acquisitions {
                let a = try #require(set.acquisitions.first { $0.name == used.id })
                let clearPixels = (0..<set.n).filter { LandsatSet.ndvi(a, $0) != nil }.count
                #expect(used.clearPixels == clearPixels && a.month == m + 1, "\(used.id)")
            }
        }
    }

    /// The composites drive `sinkmap run`: a scene whose periods read `ndvi: comp/ndvi.tif#M`
    /// gives the NPP, Rh, NEP and stocks of SPEC §3 for the composite's NDVI. The acquisitions
    /// cover 12 × 9 pixels; `--grid scene.yaml` makes the composite the scene's 8 × 6. `validate`
    /// warns about the months without any acquisition (read from `clear.tif`).
    @Test func compositesDriveRun() throws {
        let dir = TempDir("composite-run")
        var scene = MiniScene(width: 8, height: 6, seed: 2102)
        let set = LandsatSet(width: 12, height: 9, year: 2023, seed: 2103)
        let wide = try Fixtures.grid(crs: "EPSG:32651", originX: MiniScene.originX, originY: MiniScene.originY, pixel: 30, width: 12, height: 9)
        try set.write(to: dir.file("landsat"), grid: wide)
        let path = try scene.write(to: dir, ndviLines: { m in ["ndvi: comp/ndvi.tif#\(m + 1)"] })
        try composite([dir.file("landsat"), "--year", "2023", "--out", dir.file("comp"), "--grid", path])
        let ndvi = try readBands(dir.file("comp/ndvi.tif"), bands: 12)
        try #require(ndvi[0].count == scene.n)
        scene.ndvi = ndvi.map { $0.map { $0 == -9999 ? .nan : Double($0) } }
        for i in 0..<scene.n {
            let e = set.expected((i / 8) * 12 + i % 8, year: 2023, median: false)
            for m in 0..<12 { #expect(e.ndvi[m].map { abs($0 - scene.ndvi[m][i]) <= 1e-6 } ?? scene.ndvi[m][i].isNaN) }
        }
        // validate reads clear.tif beside ndvi.tif: March and December (no acquisition) are all filled.
        let v = try runProcess(Repo.sinkmap, ["validate", path])
        #expect(v.status == 0, "\(v.stderr)")
        let filledWarnings = v.stderr.split(separator: "\n").filter { $0.contains("is mostly filled: 100 %") }
        #expect(filledWarnings.count == 2 && filledWarnings[0].contains("(2023-03)") && filledWarnings[1].contains("(2023-12)"), "\(v.stderr)")
        #expect(!v.stderr.contains("(2023-01) is mostly filled"))
        let out = try ScenePathTests().run(path, dir)
        let expected = scene.expected()
        #expect(expected.filter { $0.npp != nil }.count > scene.n / 2)
        try ScenePathTests().checkRasters(out, expected, width: scene.width, height: scene.height)
    }

    /// Bad input: one line, exit 1.
    @Test func refusals() throws {
        let dir = TempDir("composite-bad")
        try FileManager.default.createDirectory(atPath: dir.file("empty"), withIntermediateDirectories: true)
        let r = try runProcess(Repo.sinkmap, ["composite", dir.file("empty"), "--year", "2022", "--out", dir.file("o")])
        #expect(r.status == 1 && r.stderr.hasPrefix("sinkmap: error: ") && r.stderr.contains("no acquisition found"))
        let set = LandsatSet(width: 4, height: 3, year: 2022, seed: 5)
        try set.write(to: dir.file("ls"), grid: try Fixtures.grid(crs: "EPSG:32650", originX: 0, originY: 0, pixel: 30, width: 4, height: 3))
        let y = try runProcess(Repo.sinkmap, ["composite", dir.file("ls"), "--year", "2019", "--out", dir.file("o")])
        #expect(y.status == 1 && y.stderr.contains("no acquisition dated 2019") && y.stderr.contains("21 from other years"))
    }
}
