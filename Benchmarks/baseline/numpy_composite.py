#!/usr/bin/env python3
"""What a user scripts with numpy and rasterio to do `sinkmap composite --method max-ndvi` on
Landsat C2 L2 acquisitions that lie on one grid (the benchmark baseline, issue 21).

Usage: numpy_composite.py DIR --year Y --out OUTDIR
Reads each acquisition's SR_B4/SR_B5 (SR_B3/SR_B4 for Landsat 7) and QA_PIXEL whole, masks
(QA bits 0-5, DN 0 or outside 7273-43636), scales (DN * 0.0000275 - 0.2), NDVI, keeps the
monthly maximum and clear count, fills empty months linearly in time, writes ndvi.tif
(12 x Float32, nodata -9999) and clear.tif (12 x UInt16) as DEFLATE GeoTIFFs.
"""
import argparse
import glob
import os
import re

import numpy as np
import rasterio

NAME = re.compile(r"^(L[CE]0([789])_L2SP_\d{6}_(\d{4})(\d{2})\d{2}_\d{8}_\d{2}_[A-Z0-9]{2})_QA_PIXEL\.TIF$", re.I)


def reflectance(dn):
    dn = dn.astype(np.float64)
    valid = (dn != 0) & (dn >= 7273) & (dn <= 43636)
    return np.where(valid, dn * 0.0000275 - 0.2, np.nan)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--year", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    comp = clear = profile = None
    for qa_path in sorted(glob.glob(os.path.join(a.dir, "*_QA_PIXEL.TIF"))):
        m = NAME.match(os.path.basename(qa_path))
        if not m or int(m.group(3)) != a.year:
            continue
        month = int(m.group(4)) - 1
        r, n = ("SR_B3", "SR_B4") if m.group(2) == "7" else ("SR_B4", "SR_B5")
        base = os.path.join(a.dir, m.group(1))
        with rasterio.open(qa_path) as src:
            qa = src.read(1)
            if comp is None:
                profile = src.profile
                comp = np.full((12,) + qa.shape, np.nan, dtype=np.float32)
                clear = np.zeros((12,) + qa.shape, dtype=np.uint16)
        with rasterio.open(f"{base}_{r}.TIF") as src:
            red = reflectance(src.read(1))
        with rasterio.open(f"{base}_{n}.TIF") as src:
            nir = reflectance(src.read(1))
        with np.errstate(invalid="ignore", divide="ignore"):
            ndvi = (nir - red) / (nir + red)
        ok = ((qa & 0b111111) == 0) & np.isfinite(ndvi)
        ndvi = np.where(ok, ndvi, np.nan).astype(np.float32)
        comp[month] = np.fmax(comp[month], ndvi)
        clear[month] += ok.astype(np.uint16)
    # Fill empty months linearly in time between the nearest months with a value (by row blocks).
    out = np.empty_like(comp)
    idx = np.arange(12, dtype=np.int8)[:, None, None]
    for r0 in range(0, comp.shape[1], 256):
        c = comp[:, r0:r0 + 256]
        have = ~np.isnan(c)
        prev = np.maximum.accumulate(np.where(have, idx, np.int8(-1)), axis=0)
        nxt = np.flip(np.minimum.accumulate(np.flip(np.where(have, idx, np.int8(99)), axis=0), axis=0), axis=0)
        vp = np.take_along_axis(c, np.clip(prev, 0, 11).astype(np.intp), axis=0).astype(np.float64)
        vq = np.take_along_axis(c, np.clip(nxt, 0, 11).astype(np.intp), axis=0).astype(np.float64)
        t = np.where((prev >= 0) & (nxt < 99) & (nxt != prev), (idx - prev) / np.maximum(nxt - prev, 1), 0.0)
        filled = np.where(prev < 0, vq, np.where(nxt >= 99, vp, vp + (vq - vp) * t))
        block = np.where(have, c, filled.astype(np.float32))
        out[:, r0:r0 + 256] = np.where(np.isnan(block), -9999, block)
    prof = dict(profile, count=12, dtype="float32", nodata=-9999, compress="deflate", predictor=3, tiled=True,
                blockxsize=512, blockysize=512)
    with rasterio.open(os.path.join(a.out, "ndvi.tif"), "w", **prof) as dst:
        dst.write(out)
    prof = dict(prof, dtype="uint16", nodata=None, predictor=2)
    with rasterio.open(os.path.join(a.out, "clear.tif"), "w", **prof) as dst:
        dst.write(clear)


if __name__ == "__main__":
    main()
