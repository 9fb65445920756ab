#!/usr/bin/env python3
"""The true floor of `sinkmap composite` (issue 21): what no implementation on this machine can
avoid, measured with GDAL itself.

  (a) decode every input byte once: every GeoTIFF in DIR read whole, THREADS processes;
  (b) encode the outputs: sinkmap's ndvi.tif and clear.tif (from OUT) written again as COGs
      with exactly sinkmap's options (512-px tiles, averaged overviews, DEFLATE level 1 with
      predictor, NUM_THREADS=THREADS, temporary overviews at ZSTD level 1), the two side by
      side, from uncompressed copies made beforehand (not timed), as sinkmap does.

A composite needs every acquisition before its outputs are final, so (a) and (b) follow one
another. Prints lines in measure.py's format: `decode ...`, `encode ...`, `floor ...` (sums).

Usage: composite_floor.py DIR OUT --threads T --scratch DIR
"""
import argparse
import glob
import os
import resource
import subprocess
import sys
import time
from multiprocessing import Pool

from osgeo import gdal

gdal.UseExceptions()


def decode(path):
    gdal.SetCacheMax(64 << 20)
    ds = gdal.Open(path)
    n = 0
    for b in range(1, ds.RasterCount + 1):
        n += len(ds.GetRasterBand(b).ReadRaster())
    return n


def children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime, r.ru_stime


def line(label, wall, u0, s0):
    u, s = children()
    print(f"{label} wall_s={wall:.3f} user_s={u - u0:.3f} sys_s={s - s0:.3f} max_rss_mb=0 status=0", flush=True)
    return wall, u - u0, s - s0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scratch", required=True)
    a = ap.parse_args()
    os.makedirs(a.scratch, exist_ok=True)
    names = ["ndvi", "clear"]
    for n in names:  # untimed: sinkmap's intermediates are uncompressed, band-interleaved, 256-px tiles
        subprocess.run(["gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=256", "-co", "BLOCKYSIZE=256",
                        "-co", "INTERLEAVE=BAND", f"{a.out}/{n}.tif", f"{a.scratch}/{n}.tmp.tif"], check=True)
    files = sorted(glob.glob(os.path.join(a.dir, "*.TIF")) + glob.glob(os.path.join(a.dir, "*.tif")))

    u0, s0 = children()
    t = time.perf_counter()
    with Pool(a.threads) as pool:
        total = sum(pool.map(decode, files, chunksize=1))
    pool.join()
    d = line("decode", time.perf_counter() - t, u0, s0)
    print(f"# decoded {len(files)} files, {total / 1e9:.2f} GB", file=sys.stderr)

    u0, s0 = children()
    t = time.perf_counter()
    size = gdal.Open(f"{a.scratch}/ndvi.tmp.tif")
    side, count = max(size.RasterXSize, size.RasterYSize), 0
    while side > 256:
        side = (side + 1) // 2
        count += 1
    procs = [subprocess.Popen(
        ["gdal_translate", "-q", "-of", "COG", "-co", "BLOCKSIZE=512", "-co", "OVERVIEW_RESAMPLING=AVERAGE",
         "-co", f"OVERVIEW_COUNT={max(count, 1)}", "-co", f"NUM_THREADS={a.threads}", "-co", "BIGTIFF=IF_SAFER",
         "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=YES", "-co", "OVERVIEW_COMPRESS=DEFLATE",
         "-co", "OVERVIEW_PREDICTOR=YES", "-co", "LEVEL=1", "--config", "ZSTD_LEVEL_OVERVIEW", "1",
         f"{a.scratch}/{n}.tmp.tif", f"{a.scratch}/{n}.tif"]) for n in names]
    for p in procs:
        if p.wait() != 0:
            sys.exit(f"gdal_translate failed ({p.args[-1]})")
    e = line("encode", time.perf_counter() - t, u0, s0)
    print(f"floor wall_s={d[0] + e[0]:.3f} user_s={d[1] + e[1]:.3f} sys_s={d[2] + e[2]:.3f} max_rss_mb=0 status=0", flush=True)


if __name__ == "__main__":
    main()
