#!/usr/bin/env python3
"""Time exactextract and rasterstats on the same zonal job (sum, mean, min, max, count per polygon).

    Benchmarks/.venv/bin/python Benchmarks/baseline/zonal_bench.py RASTER VECTOR --id FIELD --band N
        [--layer NAME] [--repeat K] [--csv-prefix PATH]

The polygons are read once with pyogrio (and reprojected to the raster's CRS
when they differ: neither tool reprojects), timed separately as
vector_load_seconds; both tools then get the same in-memory GeoJSON features.
Each tool's timing covers opening the raster, computing the five statistics for
every polygon and collecting them in memory.  The best of --repeat runs
(default 1) is reported.  Output, one per line, machine-readable:

    vector_load_seconds=...
    exactextract_seconds=...
    rasterstats_seconds=...
    polygons=...

Semantics differ and are not the benchmark's point: exactextract weights each
cell by the fraction of it the polygon covers (count is a sum of fractions),
rasterstats takes the cells whose centre is inside (sinkmap's rule).  Both
honour the band's nodata.  A short agreement summary of the sums is printed.
With --csv-prefix P the per-polygon results are written to P_exactextract.csv
and P_rasterstats.csv.
"""
import argparse
import csv
import sys
import time

import numpy as np

STATS = ["sum", "mean", "min", "max", "count"]


def load_features(path, layer, id_field, raster_crs):
    import pyogrio.raw
    import shapely
    from rasterio.crs import CRS
    from rasterio.warp import transform_geom
    meta, _fids, geoms, fields = pyogrio.raw.read(path, layer=layer)
    names = list(meta["fields"])
    if id_field not in names:
        sys.exit(f"zonal_bench: {path}: no field {id_field!r} (fields: {', '.join(names)})")
    ids = fields[names.index(id_field)]
    src_crs = CRS.from_user_input(meta["crs"]) if meta.get("crs") else None
    reproject = src_crs is not None and raster_crs is not None and src_crs != raster_crs
    feats = []
    for g, i in zip(geoms, ids):
        if g is None:
            continue
        gj = shapely.geometry.mapping(shapely.from_wkb(g))
        if reproject:
            gj = transform_geom(src_crs, raster_crs, gj)
        feats.append({"type": "Feature", "properties": {id_field: i}, "geometry": gj})
    return feats


def run_exactextract(raster, feats, id_field, band):
    import rasterio
    from exactextract import exact_extract
    from exactextract.raster import RasterioRasterSource
    t0 = time.perf_counter()
    ds = rasterio.open(raster)
    rs = RasterioRasterSource(ds, band)
    res = exact_extract(rs, feats, STATS, include_cols=[id_field], output="geojson")
    out = {r["properties"][id_field]: [r["properties"].get(s) for s in STATS] for r in res}
    dt = time.perf_counter() - t0
    ds.close()
    return dt, out


def run_rasterstats(raster, feats, id_field, band):
    from rasterstats import zonal_stats
    t0 = time.perf_counter()
    res = zonal_stats(feats, raster, stats=STATS, band=band, geojson_out=True)
    out = {r["properties"][id_field]: [r["properties"].get(s) for s in STATS] for r in res}
    dt = time.perf_counter() - t0
    return dt, out


def main(argv=None):
    ap = argparse.ArgumentParser(description="time exactextract and rasterstats zonal statistics")
    ap.add_argument("raster")
    ap.add_argument("vector")
    ap.add_argument("--id", required=True, dest="id_field")
    ap.add_argument("--band", type=int, default=1)
    ap.add_argument("--layer", default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--csv-prefix", default=None)
    ap.add_argument("--only", choices=["exactextract", "rasterstats"], default=None)
    args = ap.parse_args(argv)

    import rasterio
    with rasterio.open(args.raster) as ds:
        rcrs = ds.crs
        if args.band < 1 or args.band > ds.count:
            sys.exit(f"zonal_bench: {args.raster} has no band {args.band} ({ds.count} bands)")
    t0 = time.perf_counter()
    feats = load_features(args.vector, args.layer, args.id_field, rcrs)
    print(f"vector_load_seconds={time.perf_counter() - t0:.4f}", flush=True)
    results = {}
    for name, fn in (("exactextract", run_exactextract), ("rasterstats", run_rasterstats)):
        if args.only and args.only != name:
            continue
        best = None
        for _ in range(max(1, args.repeat)):
            dt, out = fn(args.raster, feats, args.id_field, args.band)
            best = dt if best is None else min(best, dt)
        results[name] = out
        print(f"{name}_seconds={best:.4f}", flush=True)
        if args.csv_prefix:
            with open(f"{args.csv_prefix}_{name}.csv", "w", newline="") as f:
                w = csv.writer(f)
                w.writerow([args.id_field] + STATS)
                for k in sorted(out, key=str):
                    w.writerow([k] + out[k])
    n = len(next(iter(results.values()))) if results else 0
    print(f"polygons={n}")
    if len(results) == 2:
        a, b = results["exactextract"], results["rasterstats"]
        common = [k for k in a if k in b and a[k][0] is not None and b[k][0] is not None]
        sa = np.array([a[k][0] for k in common], dtype=float)
        sb = np.array([b[k][0] for k in common], dtype=float)
        if common and np.abs(sb).sum() > 0:
            rel = np.abs(sa - sb) / np.maximum(np.abs(sb), 1e-300)
            print(f"sum agreement exactextract vs rasterstats (coverage-weighted vs centre rule): "
                  f"total {sa.sum():.6g} vs {sb.sum():.6g}, median per-polygon rel diff "
                  f"{np.median(rel):.2e}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
