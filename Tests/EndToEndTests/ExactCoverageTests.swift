import Foundation
import GDALKit
import SinkmapEngine
import Testing
import TestSupport
import SinkmapArchive
import SinkmapZones

/// Exact coverage (the default): partitions that add up exactly, unit areas that are the
/// polygons' areas, and coverage-weighted totals against an independent computation with GEOS.
@Suite(.serialized) struct ExactCoverageTests {
    typealias P = SIMD2<Double>

    /// Two units sharing an irregular edge, on a 6 × 5 grid of 10 m pixels.
    @Test func sharedEdgePixelsAddUpToExactlyOnePixel() throws {
        let dir = TempDir("partition")
        let grid = try Fixtures.grid(crs: "EPSG:32651", originX: 0, originY: 50, pixel: 10, width: 6, height: 5)
        // Map coordinates: the cut runs from (0, 43) to (60, 7) through cell interiors.
        let upper = "POLYGON((0 50,60 50,60 7,41 19,17 38,0 43,0 50))"
        let lower = "POLYGON((0 43,17 38,41 19,60 7,60 0,0 0,0 43))"
        let shapes = try [upper, lower].map { try Geometry(wkt: $0).wkb } as [[UInt8]?]
        let partial = try ZoneCoverage.make(shapes, items: [0, 1], grid: grid, path: "test", into: dir.file("z.tif"))
        #expect(!partial.cells.isEmpty)
        var byCell: [Int: UInt64] = [:]
        for k in partial.cells.indices { byCell[partial.cells[k], default: 0] += UInt64(partial.weights[k]) }
        for (cell, total) in byCell { #expect(total == UInt64(ZoneCoverage.one), "cell \(cell): \(total)") }
        // Pixels wholly in one unit are in the raster; together with the partial ones, every pixel.
        var primary = [UInt32](repeating: 0, count: 30)
        try primary.withUnsafeMutableBufferPointer {
            try Dataset(path: dir.file("z.tif")).readRaw(band: 1, window: grid.window, type: .uint32, into: UnsafeMutableRawPointer($0.baseAddress!))
        }
        for i in 0..<30 {
            if primary[i] == ZoneCoverage.partialMark { #expect(byCell[i] != nil) } else { #expect(primary[i] == 1 || primary[i] == 2) }
        }
    }

    /// Quantizing a pixel's fractions keeps their sum, and a tiled pixel sums to one exactly.
    @Test func largestRemainderKeepsTheSum() {
        let w = ZoneCoverage.quantize([0: 1.0 / 3, 1: 1.0 / 3, 2: 1.0 / 3])
        #expect(w.map(\.1).reduce(0, +) == ZoneCoverage.one)
        let half = ZoneCoverage.quantize([4: 0.25, 7: 0.2500000004])
        #expect(half.map(\.1).reduce(0, +) == ZoneCoverage.one / 2)
        // Overlaps beyond one pixel are capped at one.
        #expect(ZoneCoverage.quantize([0: 0.8, 1: 0.7]).map(\.1).reduce(0, +) == ZoneCoverage.one)
    }

    /// The demo's townships: area_ha is each polygon's area within the grid (1e-6 relative), and
    /// NPP, Rh, NEP and carbon are the coverage-weighted sums of the output rasters, with each
    /// pixel's fraction computed independently by GEOS (intersection of the pixel's square with
    /// the polygon, in Python).
    @Test func demoTownshipsMatchPolygonAreasAndGEOSWeightedSums() throws {
        let dir = TempDir("exact")
        let out = dir.file("out")
        let r = try sinkmap("run", Repo.demoScene, "--out", out, "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        let demo = Repo.root + "/testdata/demo"
        let script = """
        import sys, csv, json
        from osgeo import gdal, ogr
        import numpy as np
        demo, out = sys.argv[1], sys.argv[2]
        ds = gdal.Open(demo + '/landcover.tif'); gt = ds.GetGeoTransform(); W, H = ds.RasterXSize, ds.RasterYSize
        pa = abs(gt[1] * gt[5])
        def band(name):
            return gdal.Open(out + '/' + name + '.tif').ReadAsArray().astype(np.float64)
        npp, rh, carbon = band('npp'), band('rh'), band('carbon')
        codes = gdal.Open(demo + '/landcover.tif').ReadAsArray()
        table = {int(l.split(',')[0]) for l in open(demo + '/classes.csv').read().splitlines()[1:]}
        valid = np.isin(codes, list(table))
        flux = valid & (npp != -9999) & (rh != -9999)
        def box(x0, y0, x1, y1):
            ring = ogr.Geometry(ogr.wkbLinearRing)
            for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)): ring.AddPoint_2D(x, y)
            p = ogr.Geometry(ogr.wkbPolygon); p.AddGeometry(ring); return p
        grid = box(gt[0], gt[3] + H * gt[5], gt[0] + W * gt[1], gt[3])
        units = {}
        vds = ogr.Open(demo + '/admin/townships.gpkg'); lyr = vds.GetLayer(0)
        for f in lyr:
            k = str(f.GetField('town_code'))
            g = f.GetGeometryRef().Clone()
            units[k] = g if k not in units else units[k].Union(g)
        res = {}
        for k, g in units.items():
            env = g.Intersection(grid).GetEnvelope()
            c0 = max(0, int((env[0] - gt[0]) // gt[1])); c1 = min(W, int(-(-(env[1] - gt[0]) // gt[1])))
            r0 = max(0, int((gt[3] - env[3]) // -gt[5])); r1 = min(H, int(-(-(gt[3] - env[2]) // -gt[5])))
            s = dict(area=0.0, npp=0.0, rh=0.0, carbon=0.0)
            for r in range(r0, r1):
                y1 = gt[3] + r * gt[5]
                strip = g.Intersection(box(gt[0], y1 + gt[5], gt[0] + W * gt[1], y1))  # the row first: fast cells
                if strip.IsEmpty(): continue
                for c in range(c0, c1):
                    x0 = gt[0] + c * gt[1]
                    f = strip.Intersection(box(x0, y1 + gt[5], x0 + gt[1], y1)).GetArea() / pa
                    if f <= 0: continue
                    s['area'] += f * pa
                    if valid[r, c]: s['carbon'] += f * carbon[r, c] * pa
                    if flux[r, c]:
                        s['npp'] += f * npp[r, c] * pa; s['rh'] += f * rh[r, c] * pa
            res[k] = dict(area_ha=s['area'] / 1e4, npp_tc=s['npp'] / 1e6, rh_tc=s['rh'] / 1e6,
                          nep_tc=(s['npp'] - s['rh']) / 1e6, carbon_tc=s['carbon'] / 1e4,
                          polygon_ha=g.Intersection(grid).GetArea() / 1e4)
        print(json.dumps(res))
        """
        let py = try runProcess("/usr/bin/python3", ["-c", script, demo, out])
        try #require(py.status == 0, "\(py.stderr)")
        let expected = try JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as! [String: [String: Double]]
        let csv = try ZonalCSV(path: out + "/zonal.csv")
        let rows = csv.rows(level: "township", ecosystem: "all", redline: "all")
        #expect(rows.count == 12 && expected.count == 12)
        for row in rows {
            let id = row["unit_id"]!
            let want = try #require(expected[id], "no GEOS result for \(id)")
            let area = Double(row["area_ha"]!)!
            #expect(abs(area - want["polygon_ha"]!) <= 1e-6 * want["polygon_ha"]!, "\(id) area \(area) vs polygon \(want["polygon_ha"]!)")
            for column in ["area_ha", "npp_tc", "rh_tc", "nep_tc", "carbon_tc"] {
                let got = Double(row[column]!)!, w = want[column]!
                #expect(abs(got - w) <= 1e-8 * max(abs(w), 1), "\(id) \(column): \(got) vs GEOS \(w)")
            }
        }
    }
}
