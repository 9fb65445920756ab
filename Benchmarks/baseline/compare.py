#!/usr/bin/env python3
"""Compare the five output rasters of two runs (e.g. sinkmap vs the numpy baseline).

    Benchmarks/.venv/bin/python Benchmarks/baseline/compare.py A_DIR B_DIR [--rtol 1e-4] [--small 1.0]

For each of npp.tif, rh.tif, nep.tif, agb.tif, carbon.tif:
  * the grids must match (size, CRS, geotransform to 1e-6 of a pixel);
  * the nodata masks must match (nodata = the file's declared nodata, or NaN);
  * where both are valid: the relative difference |a-b| / max(|a|,|b|) is used
    where max(|a|,|b|) > SMALL, and the absolute difference |a-b| elsewhere
    (NEP crosses zero, so a pure relative test is meaningless there); both
    must be <= RTOL (the absolute one <= RTOL * SMALL).
  * NEP = NPP - Rh is a difference, so its error scales with |NPP| + |Rh|, not
    with |NEP|: for nep.tif the relative denominator is
    max(|a|, |b|, |NPP_A| + |Rh_A|).
Reads full-resolution band 1 in row blocks, so it works on large rasters and on
COGs with overviews.  Prints one line per raster and `compare: AGREE` or
`compare: DIFFER`; exits 1 when they differ, 2 on a missing/unreadable file.
"""
import argparse
import math
import os
import sys

import numpy as np
import rasterio
from rasterio.windows import Window

NAMES = ["npp", "rh", "nep", "agb", "carbon"]


def compare_one(pa, pb, rtol, small, block_rows=1024, scale_paths=None):
    """scale_paths: rasters of A whose |values| add up to the magnitude NEP is relative to."""
    scales = [rasterio.open(p) for p in (scale_paths or [])]
    with rasterio.open(pa) as a, rasterio.open(pb) as b:
        if (a.width, a.height) != (b.width, b.height):
            return False, f"size {a.width}x{a.height} vs {b.width}x{b.height}"
        if a.crs != b.crs:
            return False, f"CRS {a.crs} vs {b.crs}"
        px = abs(a.transform.a)
        if any(abs(x - y) > 1e-6 * px for x, y in zip(a.transform[:6], b.transform[:6])):
            return False, f"geotransform {tuple(a.transform)[:6]} vs {tuple(b.transform)[:6]}"
        na, nb = a.nodata, b.nodata
        st = dict(valid=0, mask_a_only=0, mask_b_only=0, max_rel=0.0, max_abs_small=0.0,
                  worst=None, sum_a=0.0, sum_b=0.0)
        for r0 in range(0, a.height, block_rows):
            w = Window(0, r0, a.width, min(block_rows, a.height - r0))
            va = a.read(1, window=w).astype(np.float64)
            vb = b.read(1, window=w).astype(np.float64)
            ma = np.isnan(va) if na is None or math.isnan(na) else (va == na) | np.isnan(va)
            mb = np.isnan(vb) if nb is None or math.isnan(nb) else (vb == nb) | np.isnan(vb)
            st["mask_a_only"] += int((ma & ~mb).sum())
            st["mask_b_only"] += int((mb & ~ma).sum())
            both = ~ma & ~mb
            st["valid"] += int(both.sum())
            x, y = va[both], vb[both]
            st["sum_a"] += float(x.sum())
            st["sum_b"] += float(y.sum())
            if x.size == 0:
                continue
            d = np.abs(x - y)
            mag = np.maximum(np.abs(x), np.abs(y))
            if scales:
                extra = np.zeros_like(x)
                for sds in scales:
                    sv = sds.read(1, window=w).astype(np.float64)[both]
                    ok_s = np.isfinite(sv) & (sv != sds.nodata if sds.nodata is not None else True)
                    extra += np.where(ok_s, np.abs(sv), 0.0)
                mag = np.maximum(mag, extra)
            big = mag > small
            if big.any():
                rel = d[big] / mag[big]
                k = int(np.argmax(rel))
                if rel[k] > st["max_rel"]:
                    st["max_rel"] = float(rel[k])
                    rows, cols = np.nonzero(both)
                    bi = np.flatnonzero(big)[k]
                    st["worst"] = (int(rows[bi]) + r0, int(cols[bi]), float(x[big][k]), float(y[big][k]))
            if (~big).any():
                st["max_abs_small"] = max(st["max_abs_small"], float(d[~big].max()))
        ok = (st["mask_a_only"] == 0 and st["mask_b_only"] == 0 and st["max_rel"] <= rtol
              and st["max_abs_small"] <= rtol * small)
        rel_sum = abs(st["sum_a"] - st["sum_b"]) / max(abs(st["sum_a"]), abs(st["sum_b"]), 1e-300)
        msg = (f"valid={st['valid']} nodata_only_in_A={st['mask_a_only']} nodata_only_in_B={st['mask_b_only']} "
               f"max_rel={st['max_rel']:.3e} max_abs(|v|<={small:g})={st['max_abs_small']:.3e} "
               f"sum_rel_diff={rel_sum:.3e}")
        if st["worst"] and st["max_rel"] > 0:
            r, c, xa, xb = st["worst"]
            msg += f" worst@(row {r}, col {c}): {xa:.7g} vs {xb:.7g}"
        return ok, msg


def main(argv=None):
    ap = argparse.ArgumentParser(description="compare the five output rasters of two runs")
    ap.add_argument("a_dir")
    ap.add_argument("b_dir")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--small", type=float, default=1.0,
                    help="values with |v| <= SMALL are compared absolutely (default 1.0)")
    args = ap.parse_args(argv)
    all_ok = True
    for n in NAMES:
        pa, pb = os.path.join(args.a_dir, n + ".tif"), os.path.join(args.b_dir, n + ".tif")
        for p in (pa, pb):
            if not os.path.exists(p):
                print(f"compare: missing {p}", file=sys.stderr)
                return 2
        try:
            sp = [os.path.join(args.a_dir, k + ".tif") for k in ("npp", "rh")] if n == "nep" else None
            ok, msg = compare_one(pa, pb, args.rtol, args.small, scale_paths=sp)
        except rasterio.errors.RasterioError as e:
            print(f"compare: {e}", file=sys.stderr)
            return 2
        all_ok &= ok
        print(f"{n:7s} {'ok    ' if ok else 'DIFFER'} {msg}")
    print(f"compare: {'AGREE' if all_ok else 'DIFFER'} (rtol {args.rtol:g}, |v|<={args.small:g} absolute)")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
