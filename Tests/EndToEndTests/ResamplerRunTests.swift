import Foundation
import GDALKit
import Testing
import TestSupport

/// A whole run with the own resamplers against the same run with GDAL's warper for every
/// warped input (`SINKMAP_RESAMPLER=gdal`, what sinkmap did before): on the demo the five
/// rasters keep their nodata masks, NPP, Rh and NEP move by at most 10⁻⁶ of their magnitude
/// (NEP relative to |NPP| + |Rh|, since it is their difference), and AGB and carbon (fed by
/// the CHM's `average`) are bit-identical except in the grid column holding the CHM's 5 m
/// east-edge sliver: it is the first column of a warp block, where GDAL's warped VRT gives
/// nodata and the allometry falls back to the table, while the own `average` averages the
/// sliver as `gdalwarp -r average -et 0` does (AverageAgreementTests).
@Suite struct ResamplerRunTests {
    func raster(_ path: String) throws -> [Float] {
        let ds = try Dataset(path: path)
        var v = [Float](repeating: 0, count: ds.width * ds.height)
        try v.withUnsafeMutableBufferPointer { try ds.readRaw(band: 1, window: Window(width: ds.width, height: ds.height), into: $0.baseAddress!) }
        return v
    }

    @Test func demoAgreesWithTheGDALWarperRun() throws {
        let dir = TempDir("resampler-run")
        let own = dir.file("own"), gdal = dir.file("gdal")
        var env = ProcessInfo.processInfo.environment
        env["SINKMAP_RESAMPLER"] = nil
        let a = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--out", own, "--quiet"], environment: env)
        env["SINKMAP_RESAMPLER"] = "gdal"
        let b = try runProcess(Repo.sinkmap, ["run", Repo.demoScene, "--out", gdal, "--quiet"], environment: env)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let nodata: Float = -9999
        let npp = try raster(own + "/npp.tif"), rh = try raster(own + "/rh.tif")
        let grid = try Dataset(path: own + "/agb.tif").grid()
        let chm = try Dataset(path: (Repo.demoScene as NSString).deletingLastPathComponent + "/lidar/chm.tif").grid()
        let chmEast = chm.transform.originX + Double(chm.width) * chm.transform.pixelWidth
        let sliverColumn = Int(((chmEast - grid.transform.originX) / grid.transform.pixelWidth).rounded(.down))
        #expect(sliverColumn % 256 == 0, "the demo's CHM edge falls in a warp block's first column")
        var changed = 0, sliverChanged = 0
        for name in ["npp", "rh", "nep", "agb", "carbon"] {
            let x = try raster(own + "/\(name).tif"), y = try raster(gdal + "/\(name).tif")
            #expect(x.count == y.count)
            var worst = 0.0, maskDiffers = 0
            for i in x.indices {
                if (x[i] == nodata) != (y[i] == nodata) { maskDiffers += 1; continue }
                if x[i] == nodata { continue }
                if name == "agb" || name == "carbon", i % grid.width == sliverColumn {
                    if x[i] != y[i] { sliverChanged += 1 }
                    continue
                }
                let scale = name == "nep" ? Double(abs(npp[i]) + abs(rh[i])) : Double(max(abs(x[i]), abs(y[i])))
                if x[i] != y[i] { changed += 1 }
                worst = max(worst, Double(abs(x[i] - y[i])) / max(scale, 1e-30))
            }
            print("own resampler vs GDAL warper on the demo, \(name): worst relative \(worst), mask differs in \(maskDiffers)")
            #expect(maskDiffers == 0, "\(name): nodata masks differ")
            if name == "agb" || name == "carbon" {
                #expect(worst == 0, "\(name) must not change")
            } else {
                #expect(worst <= 1e-6, "\(name): worst relative difference \(worst)")
            }
        }
        #expect(changed > 0, "the climate inputs did go through another resampler")
        print("AGB and carbon changed in \(sliverChanged) values (both rasters) in column \(sliverColumn) (the CHM's edge sliver)")
        #expect(sliverChanged > 0, "the CHM did go through the own average")
    }
}
