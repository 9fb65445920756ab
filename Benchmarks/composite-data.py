#!/usr/bin/env python3
"""Landsat C2 L2-named acquisitions for the composite benchmark (issue 21), fixed seed.

Usage: composite-data.py --size N --count K --out DIR
K acquisitions (LC08/LC09 names, spread evenly over the 12 months of 2022) of N x N pixels of
30 m in EPSG:32650 on one grid: SR_B4 and SR_B5 as UInt16 DN (nodata 0), QA_PIXEL as UInt16
(nodata 1) with clouds (12 %), cloud shadows (8 %), water and snow; tiled DEFLATE GeoTIFFs
with 512-pixel blocks, as USGS delivers them. Needs python3-gdal and python3-numpy.
"""
import argparse
import os

import numpy as np
from osgeo import gdal, osr


def write(path, array, nodata, gt, wkt):
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, array.shape[1], array.shape[0], 1, gdal.GDT_UInt16,
                    ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2"])
    ds.SetGeoTransform(gt)
    ds.SetProjection(wkt)
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(nodata)
    b.WriteArray(array)
    ds = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=3000)
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32650)
    wkt = srs.ExportToWkt()
    gt = (300000.0, 30.0, 0.0, 3400000.0, 0.0, -30.0)
    rng = np.random.default_rng(2121)
    n = a.size
    for k in range(a.count):
        month = k * 12 // a.count + 1
        day = 3 + (k % max(1, a.count // 12)) * 7
        sat = "LC08" if k % 2 == 0 else "LC09"
        date = f"2022{month:02d}{day:02d}"
        pid = f"{sat}_L2SP_118039_{date}_{date}_02_T1"
        red = rng.integers(7400, 11000, size=(n, n), dtype=np.uint16)
        nir = rng.integers(12000, 30000, size=(n, n), dtype=np.uint16)
        u = rng.random((n, n), dtype=np.float32)
        qa = np.full((n, n), 21824, dtype=np.uint16)
        qa[u < 0.12] = 22280                      # cloud
        shadow = (u >= 0.12) & (u < 0.20)
        qa[shadow] = 23888                        # cloud shadow
        red[shadow], nir[shadow] = 7500, 30000
        qa[(u >= 0.20) & (u < 0.24)] = 21952      # water (clear)
        qa[(u >= 0.24) & (u < 0.26)] = 30048      # snow
        if k % 3 == 0:                            # fill along the east edge
            qa[:, n - 40:] = 1
            red[:, n - 40:] = 0
            nir[:, n - 40:] = 0
        write(f"{a.out}/{pid}_SR_B4.TIF", red, 0, gt, wkt)
        write(f"{a.out}/{pid}_SR_B5.TIF", nir, 0, gt, wkt)
        write(f"{a.out}/{pid}_QA_PIXEL.TIF", qa, 1, gt, wkt)


if __name__ == "__main__":
    main()
