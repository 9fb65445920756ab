#!/usr/bin/python3
"""Deterministic synthetic scene generator for sinkmap (SPEC section 2).

Run with Debian's Python (python3-gdal, python3-numpy):

    /usr/bin/python3 testdata/scenegen.py                      # demo -> testdata/demo
    /usr/bin/python3 testdata/scenegen.py --preset demo --size-multiplier 4 --out /tmp/demo16
    /usr/bin/python3 testdata/scenegen.py --preset bench --size 8192 --out /tmp/bench

Only osgeo (gdal/ogr/osr), numpy and the standard library are used. A fixed
seed gives byte-identical files on every run: every random number comes from
numpy generators keyed by (seed, purpose, block), land cover is a pure
function of pixel coordinates, and GeoPackage timestamps are pinned through
OGR_CURRENT_DATE.
"""

import argparse
import math
import os
import shutil
import sys
import time

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

# Fixed timestamps and no side-car files: byte-identical output.
gdal.SetConfigOption("OGR_CURRENT_DATE", "2024-01-01T00:00:00.000Z")
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
gdal.SetConfigOption("GDAL_CACHEMAX", "512")

UTM_EPSG = 32651          # WGS 84 / UTM zone 51N
RES = 30.0                # land cover / NDVI grid, metres
CHM_RES = 10.0            # lidar canopy height, metres
CLIM_RES = 0.01           # climate grid, degrees (EPSG:4326)
ORIGIN_X = 294000.0       # upper-left corner of the grid (Shangyu, Zhejiang)
ORIGIN_Y = 3337020.0
BLOCK_ROWS = 512          # fixed row-block height: randomness is keyed by block
LC_NODATA = 255
NDVI_NODATA = -32768
NDVI_SCALE = 0.0001
F_NODATA = -9999.0
MONTHS = ["2023-%02d" % m for m in range(1, 13)]

# MODIS IGBP LC_Type1 codes used in the scene; 99 is deliberately absent
# from the parameter table, 255 is the declared nodata.
ENF, EBF, DBF, MIXED, SHRUB, GRASS, WETLAND, CROP, URBAN, WATER = 1, 2, 4, 5, 7, 10, 11, 12, 13, 17
UNKNOWN = 99
FOREST = (ENF, EBF, DBF, MIXED)

# Monthly NDVI (Jan..Dec) by class.
NDVI_CURVES = {
    ENF:     [.55, .55, .58, .65, .72, .78, .80, .80, .76, .70, .62, .57],
    EBF:     [.68, .68, .70, .74, .78, .82, .84, .84, .82, .78, .74, .70],
    DBF:     [.25, .26, .32, .50, .70, .80, .84, .83, .75, .58, .38, .28],
    MIXED:   [.42, .43, .48, .60, .72, .80, .82, .82, .76, .64, .52, .45],
    SHRUB:   [.30, .31, .36, .46, .56, .62, .64, .63, .58, .48, .38, .32],
    GRASS:   [.22, .23, .30, .42, .55, .62, .64, .62, .54, .42, .30, .24],
    WETLAND: [.20, .22, .28, .38, .50, .58, .62, .60, .52, .40, .28, .22],
    # winter wheat / rape peaking in April, rice peaking in August
    CROP:    [.30, .36, .52, .66, .48, .28, .52, .74, .70, .42, .28, .28],
    URBAN:   [.12, .12, .14, .16, .18, .20, .20, .20, .18, .16, .14, .12],
    WATER:   [-.08, -.08, -.06, -.05, -.03, -.02, .00, .00, -.03, -.05, -.07, -.08],
    UNKNOWN: [.15, .15, .18, .22, .26, .30, .30, .30, .26, .22, .18, .15],
}
# Fraction of the scene under cloud (NDVI nodata) per month; 0 = clear.
CLOUD_COVER = [0.0, 0.0, 0.03, 0.0, 0.0, 0.06, 0.02, 0.0, 0.0, 0.0, 0.04, 0.0]

# Monthly climate of a subtropical county at ~30°N (lowland values).
T_BASE = [4.5, 6.5, 10.5, 16.0, 21.0, 24.5, 28.5, 28.0, 24.0, 18.5, 12.5, 6.5]        # °C
P_BASE = [75., 80., 120., 115., 125., 220., 150., 160., 130., 70., 60., 50.]           # mm/month
S_BASE = [230., 250., 320., 400., 460., 430., 560., 530., 420., 360., 270., 240.]      # MJ/m²/month

# IGBP colours (land-cover colour table).
IGBP_COLOURS = {
    1: (5, 69, 10), 2: (8, 106, 16), 3: (84, 167, 8), 4: (120, 210, 3), 5: (0, 153, 0),
    6: (198, 176, 68), 7: (220, 209, 89), 8: (218, 222, 72), 9: (251, 255, 19),
    10: (182, 255, 5), 11: (39, 255, 135), 12: (194, 79, 68), 13: (165, 165, 165),
    14: (255, 109, 76), 15: (105, 255, 248), 16: (249, 255, 164), 17: (28, 13, 255),
    99: (255, 0, 255),
}

# Placeholder parameter table (used only while parameters/default_classes.csv
# does not exist). eps_max from Zhu et al. (2007) as quoted in SPEC section 4.
PLACEHOLDER_HEADER = ("code,name,ecosystem,eps_max,ndvi_min,ndvi_max,agb_a,agb_b,"
                      "root_shoot,c_above,c_below,c_soil,c_dead,source")
PLACEHOLDER_ROWS = [
    (1, "Evergreen needleleaf forest", "forest", 0.389, 0.023, 0.647, 12.0, 0.95, 0.20, 45, 9, 90, 5),
    (2, "Evergreen broadleaf forest", "forest", 0.985, 0.023, 0.676, 14.574468, 0.952, 0.24, 60, 14, 100, 6),
    (3, "Deciduous needleleaf forest", "forest", 0.485, 0.023, 0.738, 12.0, 0.95, 0.22, 40, 9, 90, 5),
    (4, "Deciduous broadleaf forest", "forest", 0.692, 0.023, 0.747, 14.574468, 0.952, 0.24, 50, 12, 90, 5),
    (5, "Mixed forest", "forest", 0.475, 0.023, 0.702, 13.5, 0.95, 0.23, 50, 11, 95, 5),
    (6, "Closed shrubland", "shrub", 0.429, 0.023, 0.636, 4.0, 1.0, 0.40, 15, 6, 70, 2),
    (7, "Open shrubland", "shrub", 0.429, 0.023, 0.636, 4.0, 1.0, 0.40, 8, 3, 60, 1),
    (8, "Woody savanna", "shrub", 0.429, 0.023, 0.636, "", "", 0.40, 12, 5, 65, 2),
    (9, "Savanna", "grassland", 0.542, 0.023, 0.634, "", "", 0.50, 4, 3, 55, 1),
    (10, "Grassland", "grassland", 0.542, 0.023, 0.634, "", "", 0.50, 2, 3, 55, 1),
    (11, "Permanent wetland", "wetland", 0.542, 0.023, 0.634, "", "", 0.30, 5, 2, 120, 2),
    (12, "Cropland", "farmland", 0.542, 0.023, 0.634, "", "", 0.20, 3, 1, 60, 0),
    (13, "Urban and built-up", "urban", 0.542, 0.023, 0.634, "", "", 0.20, 1, 0, 30, 0),
    (14, "Cropland/natural vegetation mosaic", "farmland", 0.542, 0.023, 0.634, "", "", 0.25, 6, 2, 65, 1),
    (15, "Snow and ice", "other", 0.542, 0.023, 0.634, "", "", 0.0, 0, 0, 0, 0),
    (16, "Barren", "other", 0.542, 0.023, 0.634, "", "", 0.0, 0, 0, 10, 0),
    (17, "Water", "water", 0.542, 0.023, 0.634, "", "", 0.0, 0, 0, 0, 0),
]


def log(msg):
    print("scenegen: " + msg, file=sys.stderr, flush=True)


def rng_for(seed, *key):
    """A generator keyed by seed and a purpose tuple (stable across runs)."""
    return np.random.default_rng([seed] + [int(k) for k in key])


# --------------------------------------------------------------------------
# Smooth noise: value noise on a random lattice, smoothstep-interpolated.
# Coordinates are in 30 m grid pixels (x = column, y = row, centre = i + 0.5).
# --------------------------------------------------------------------------
class ValueNoise:
    def __init__(self, rng, spacing_px, width, height, margin):
        self.s = float(spacing_px)
        self.x0 = -margin + rng.uniform(0, self.s)     # lattice origin (random phase)
        self.y0 = -margin + rng.uniform(0, self.s)
        nx = int(math.ceil((width + 2 * margin) / self.s)) + 3
        ny = int(math.ceil((height + 2 * margin) / self.s)) + 3
        self.lat = rng.random((ny, nx)).astype(np.float32)

    def _coords(self, v, origin, n):
        t = (np.asarray(v, dtype=np.float64) - origin) / self.s
        t = np.clip(t, 0.0, n - 1.000001)
        i = np.floor(t).astype(np.int64)
        f = t - i
        f = (f * f * (3.0 - 2.0 * f)).astype(np.float32)
        return i, f

    def grid(self, ys, xs):
        """Noise on the outer product of 1-D row coords ys and column coords xs."""
        ny, nx = self.lat.shape
        ix, fx = self._coords(xs, self.x0, nx)
        iy, fy = self._coords(ys, self.y0, ny)
        rows = np.unique(np.concatenate([iy, iy + 1]))
        sub = self.lat[rows]
        a = sub[:, ix] * (1.0 - fx) + sub[:, ix + 1] * fx       # interpolate along x
        pos = np.searchsorted(rows, iy)
        return a[pos] * (1.0 - fy)[:, None] + a[pos + 1] * fy[:, None]

    def points(self, ys, xs):
        ny, nx = self.lat.shape
        ix, fx = self._coords(xs, self.x0, nx)
        iy, fy = self._coords(ys, self.y0, ny)
        top = self.lat[iy, ix] * (1 - fx) + self.lat[iy, ix + 1] * fx
        bot = self.lat[iy + 1, ix] * (1 - fx) + self.lat[iy + 1, ix + 1] * fx
        return top * (1 - fy) + bot * fy


class Fbm:
    """Sum of octaves of value noise; spacings in metres."""

    def __init__(self, seed, tag, spacings_m, weights, width, height, margin):
        self.octs = [ValueNoise(rng_for(seed, tag, k), max(1.0, s / RES), width, height, margin)
                     for k, s in enumerate(spacings_m)]
        w = np.asarray(weights, dtype=np.float64)
        self.w = w / w.sum()

    def grid(self, ys, xs):
        out = None
        for o, w in zip(self.octs, self.w):
            g = o.grid(ys, xs)
            g *= np.float32(w)
            if out is None:
                out = g
            else:
                out += g
        return out

    def points(self, ys, xs):
        out = 0.0
        for o, w in zip(self.octs, self.w):
            out = out + o.points(ys, xs) * w
        return out


# --------------------------------------------------------------------------
# The scene model
# --------------------------------------------------------------------------
class Scene:
    def __init__(self, preset, width, height, seed, chm_fraction):
        self.preset, self.W, self.H, self.seed = preset, width, height, seed
        self.chm_fraction = chm_fraction
        margin = 400.0  # lattice margin in pixels (climate cells and the CHM lie outside the grid)
        W, H = width, height
        self.elev = Fbm(seed, 1, [20000, 6000, 2000, 700, 240], [1.0, .55, .3, .15, .07], W, H, margin)
        self.moist = Fbm(seed, 2, [3000, 900], [1.0, .5], W, H, margin)
        self.urban = Fbm(seed, 3, [1500, 450, 150], [1.0, .45, .2], W, H, margin)
        self.mix = Fbm(seed, 4, [1200, 360, 120], [1.0, .6, .3], W, H, margin)
        self.ftype = Fbm(seed, 5, [2500, 800, 240], [1.0, .5, .25], W, H, margin)
        # Texture: the bench scene gets pixel-scale texture and white noise (it
        # compresses as badly as real imagery); the committed demo stays small.
        self.realistic = preset == "bench"
        self.zlevel = 9 if width * height <= 1 << 20 else 6   # small scenes: smallest files
        if self.realistic:
            self.vigour = Fbm(seed, 6, [900, 270, 90], [1.0, .6, .4], W, H, margin)
            self.ndvi_amp, self.ndvi_white, self.chm_tex = 0.08, 0.004, 1.5
        else:
            self.vigour = Fbm(seed, 6, [1500, 450], [1.0, .5], W, H, margin)
            self.ndvi_amp, self.ndvi_white, self.chm_tex = 0.04, 0.0, 0.0
        self.stand = Fbm(seed, 7, [600, 150], [1.0, .5], W, H, margin)
        self.climnoise = Fbm(seed, 8, [8000, 3000], [1.0, .5], W, H, margin)
        self.clouds = [Fbm(seed, 100 + m, [2400, 800, 240], [1.0, .5, .25], W, H, margin)
                       for m in range(12)]
        # Quantile thresholds from a regular subsample (deterministic).
        ys = (np.arange(min(H, 512)) + 0.5) * (H / min(H, 512))
        xs = (np.arange(min(W, 512)) + 0.5) * (W / min(W, 512))
        q = lambda f, p: np.quantile(f.grid(ys, xs), p)
        e_sub = self.elevation_grid(ys, xs)
        self.q_elev = {p: np.quantile(e_sub, p) for p in (0.03, 0.07, 0.30, 0.55, 0.70, 0.93, 0.999)}
        self.q_moist = q(self.moist, 0.5)
        self.q_urban = q(self.urban, 0.82)
        self.q_mix = {p: q(self.mix, p) for p in (0.06, 0.4, 0.6, 0.8)}
        self.q_ftype = {p: q(self.ftype, p) for p in (0.4, 0.65, 0.85)}
        self.q_cloud = [q(self.clouds[m], 1.0 - CLOUD_COVER[m]) if CLOUD_COVER[m] > 0 else None
                        for m in range(12)]
        r = rng_for(seed, 9)
        n_rivers = 1 if H * RES < 60000 else max(2, int(H * RES / 70000))
        self.rivers = [((k + 0.62) / n_rivers * H if n_rivers == 1 else (k + 0.5) / n_rivers * H,
                        r.uniform(0, 2 * math.pi), r.uniform(0, 2 * math.pi)) for k in range(n_rivers)]
        # Special pixels: code 99 (absent from the table) and land-cover nodata.
        def box(fr, fc, h, w):
            r0, c0 = int(fr * H), int(fc * W)
            return (r0, r0 + h, c0, c0 + w)
        self.unknown_boxes = [box(0.30, 0.20, 3, 3), box(0.70, 0.55, 3, 3), box(0.45, 0.85, 3, 4)]
        self.nodata_boxes = [box(0.55, 0.35, 5, 9), (H - 1, H, 40, 60)]

    # ---- terrain: smooth noise plus a west-to-east slope (hills in the west,
    # where the lidar survey is, a plain with lakes and towns in the east) ----
    def _trend(self, xs):
        return 0.22 * (1.0 - np.clip(np.asarray(xs, dtype=np.float64) / self.W, 0.0, 1.0))

    def elevation_grid(self, ys, xs):
        return self.elev.grid(ys, xs) + self._trend(xs)[None, :]

    def elevation_points(self, ys, xs):
        return self.elev.points(ys, xs) + self._trend(xs)

    # ---- land cover: a pure function of pixel coordinates ------------------
    def landcover(self, rows, cols):
        """Land cover for integer row indices `rows` x column indices `cols`."""
        ys, xs = rows + 0.5, cols + 0.5
        e = self.elevation_grid(ys, xs)
        mo = self.moist.grid(ys, xs)
        ur = self.urban.grid(ys, xs)
        mx = self.mix.grid(ys, xs)
        ft = self.ftype.grid(ys, xs)
        qe, qm, qf = self.q_elev, self.q_mix, self.q_ftype
        lc = np.full(e.shape, CROP, dtype=np.uint8)
        # hills: shrub / grass / mixed forest / crops mosaic
        hill = e >= qe[0.55]
        lc[hill & (mx < qm[0.4])] = SHRUB
        lc[hill & (mx >= qm[0.4]) & (mx < qm[0.6])] = GRASS
        lc[hill & (mx >= qm[0.6]) & (mx < qm[0.8])] = MIXED
        # mountains: forest types
        mtn = e >= qe[0.70]
        lc[mtn & (ft < qf[0.4])] = EBF
        lc[mtn & (ft >= qf[0.4]) & (ft < qf[0.65])] = MIXED
        lc[mtn & (ft >= qf[0.65]) & (ft < qf[0.85])] = DBF
        lc[mtn & (ft >= qf[0.85])] = ENF
        lc[e >= qe[0.93]] = ENF
        # lowland: crops, towns, a few meadows
        low = ~hill
        lc[low & (mx < qm[0.06])] = GRASS
        lc[low & (ur >= self.q_urban)] = URBAN
        # wetlands and lakes in the lowest ground, rivers across the plain
        lc[(e < qe[0.07]) & (mo >= self.q_moist)] = WETLAND
        lc[e < qe[0.03]] = WATER
        yy = ys[:, None]
        xx = xs[None, :]
        for yc, p1, p2 in self.rivers:
            centre = (yc + 45.0 * np.sin(2 * np.pi * xx / 230.0 + p1)
                      + 25.0 * np.sin(2 * np.pi * xx / 97.0 + p2)
                      + 8.0 * np.sin(2 * np.pi * xx / 37.0 + p1 + p2))
            lc[np.abs(yy - centre) < 1.6] = WATER
        ri = rows[:, None]
        ci = cols[None, :]
        for code, boxes in ((UNKNOWN, self.unknown_boxes), (LC_NODATA, self.nodata_boxes)):
            for r0, r1, c0, c1 in boxes:
                lc[(ri >= r0) & (ri < r1) & (ci >= c0) & (ci < c1)] = code
        return lc

    # ---- NDVI ----------------------------------------------------------------
    def ndvi_texture(self, lc, rows, cols):
        """Month-independent part of the NDVI variation (per-pixel vigour)."""
        vig = (self.vigour.grid(rows + 0.5, cols + 0.5) - np.float32(0.5)) * np.float32(2.0)   # ~[-1, 1]
        a = self.ndvi_amp
        amp = np.where(lc == WATER, 0.4 * a, np.where(lc == URBAN, 0.6 * a, a)).astype(np.float32)
        return amp * vig

    def ndvi_block(self, lc, texture, rows, cols, month, block_index):
        ys, xs = rows + 0.5, cols + 0.5
        table = np.zeros((256, 12), dtype=np.float32)
        table[:, :] = NDVI_CURVES[CROP]
        for code, curve in NDVI_CURVES.items():
            table[code] = curve
        v = table[lc, month] + texture
        if self.ndvi_white > 0:
            noise = rng_for(self.seed, 20, month, block_index).standard_normal(lc.shape, dtype=np.float32)
            v = v + self.ndvi_white * noise
        np.clip(v, -0.2, 0.95, out=v)
        raw = np.rint(v * np.float32(1.0 / NDVI_SCALE)).astype(np.int16)
        if CLOUD_COVER[month] > 0:
            c = self.clouds[month].grid(ys, xs)
            raw[c >= self.q_cloud[month]] = NDVI_NODATA
        return raw

    # ---- canopy height (10 m) -----------------------------------------------
    def chm_geometry(self):
        """CHM grid: part of the scene, offset by half a 10 m pixel from the 30 m grid."""
        ext_w = self.W * RES * self.chm_fraction
        x0 = ORIGIN_X - 200.0 + 5.0
        y0 = ORIGIN_Y + 100.0 - 5.0
        cols = int(round((ext_w + 200.0) / CHM_RES))
        rows = int(round((self.H * RES + 200.0) / CHM_RES))
        return x0, y0, cols, rows

    def chm_block(self, r0, nrows, x0, y0, ncols, block_index):
        cy = (ORIGIN_Y - (y0 - (np.arange(r0, r0 + nrows) + 0.5) * CHM_RES)) / RES   # grid rows (float)
        cx = ((x0 + (np.arange(ncols) + 0.5) * CHM_RES) - ORIGIN_X) / RES            # grid cols (float)
        ri = np.clip(np.floor(cy).astype(np.int64), 0, self.H - 1)
        ci = np.clip(np.floor(cx).astype(np.int64), 0, self.W - 1)
        ur, ui = np.unique(ri, return_inverse=True)
        uc, uci = np.unique(ci, return_inverse=True)
        lc = self.landcover(ur, uc)[ui][:, uci]
        stand = self.stand.grid(cy, cx).astype(np.float32)
        rng = rng_for(self.seed, 30, block_index)
        if self.realistic:
            tex = rng.standard_normal(lc.shape, dtype=np.float32)
            u = rng.random(lc.shape, dtype=np.float32)
        else:   # smooth within stands: keeps the committed demo small
            tex = np.float32(0.0)
            u = stand
        h = np.zeros(lc.shape, dtype=np.float32)
        forest = np.isin(lc, FOREST)
        hf = 8.0 + 22.0 * np.clip((stand - 0.2) / 0.6, 0, 1) + self.chm_tex * tex
        hf = np.where(lc == ENF, hf + 2.0, hf)
        h[forest] = np.clip(hf, 8.0, 30.0)[forest]
        shrub = lc == SHRUB
        h[shrub] = (1.0 + 3.0 * np.clip(0.6 * u + 0.4 * stand, 0, 1))[shrub]
        low = ~forest & ~shrub
        grassy = low & np.isin(lc, (GRASS, CROP, WETLAND)) & (u < 0.5)
        h[grassy] = u[grassy] * 2.0                      # 0..1 m
        h = np.round(h * 10.0) / 10.0                     # decimetre precision, as LAS-derived CHMs
        h[(lc == WATER) | (lc == LC_NODATA)] = F_NODATA   # no lidar returns on water
        return h.astype(np.float32)


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------
def utm_srs():
    s = osr.SpatialReference()
    s.ImportFromEPSG(UTM_EPSG)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def wgs84_srs():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def create_tiff(path, w, h, bands, dtype, gt, srs, tile, predictor, nodata, zlevel):
    opts = ["TILED=YES", "BLOCKXSIZE=%d" % tile, "BLOCKYSIZE=%d" % tile, "COMPRESS=DEFLATE",
            "ZLEVEL=%d" % zlevel,
            "PREDICTOR=%d" % predictor, "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"]
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, bands, dtype, options=opts)
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(1, bands + 1):
        ds.GetRasterBand(b).SetNoDataValue(nodata)
    return ds


def write_rasters(sc, out, tile_ndvi):
    W, H = sc.W, sc.H
    gt = (ORIGIN_X, RES, 0.0, ORIGIN_Y, 0.0, -RES)
    srs = utm_srs()
    lc_ds = create_tiff(os.path.join(out, "landcover.tif"), W, H, 1, gdal.GDT_Byte,
                        gt, srs, 256, 2, LC_NODATA, sc.zlevel)
    band = lc_ds.GetRasterBand(1)
    ct = gdal.ColorTable()
    for code, rgb in IGBP_COLOURS.items():
        ct.SetColorEntry(code, rgb + (255,))
    ct.SetColorEntry(LC_NODATA, (0, 0, 0, 0))
    band.SetRasterColorTable(ct)
    band.SetDescription("IGBP LC_Type1")
    os.makedirs(os.path.join(out, "ndvi"), exist_ok=True)
    nd = []
    for m in range(12):
        ds = create_tiff(os.path.join(out, "ndvi", MONTHS[m] + ".tif"), W, H, 1, gdal.GDT_Int16,
                         gt, srs, tile_ndvi, 2, NDVI_NODATA, sc.zlevel)
        b = ds.GetRasterBand(1)
        b.SetScale(NDVI_SCALE)
        b.SetOffset(0.0)
        b.SetDescription("NDVI " + MONTHS[m])
        nd.append(ds)
    counts = np.zeros(256, dtype=np.int64)
    cols = np.arange(W)
    for bi, r0 in enumerate(range(0, H, BLOCK_ROWS)):
        rows = np.arange(r0, min(H, r0 + BLOCK_ROWS))
        lc = sc.landcover(rows, cols)
        counts += np.bincount(lc.ravel(), minlength=256)
        band.WriteArray(lc, 0, r0)
        tex = sc.ndvi_texture(lc, rows, cols)
        for m in range(12):
            nd[m].GetRasterBand(1).WriteArray(sc.ndvi_block(lc, tex, rows, cols, m, bi), 0, r0)
        if H > BLOCK_ROWS:
            log("  land cover + NDVI rows %d/%d" % (min(H, r0 + BLOCK_ROWS), H))
    lc_ds = None
    nd = None
    # canopy height
    x0, y0, ncols, nrows = sc.chm_geometry()
    os.makedirs(os.path.join(out, "lidar"), exist_ok=True)
    ds = create_tiff(os.path.join(out, "lidar", "chm.tif"), ncols, nrows, 1, gdal.GDT_Float32,
                     (x0, CHM_RES, 0.0, y0, 0.0, -CHM_RES), srs, 256, 3, F_NODATA, sc.zlevel)
    b = ds.GetRasterBand(1)
    b.SetDescription("canopy height (m)")
    b.SetUnitType("metre")
    step = 3 * BLOCK_ROWS
    for bi, r0 in enumerate(range(0, nrows, step)):
        n = min(step, nrows - r0)
        b.WriteArray(sc.chm_block(r0, n, x0, y0, ncols, bi), 0, r0)
    ds = None
    return counts


def footprint_lonlat(sc):
    """Lon/lat bounds of the grid's footprint (densified edges)."""
    t = osr.CoordinateTransformation(utm_srs(), wgs84_srs())
    xs, ys = [], []
    xmax, ymin = ORIGIN_X + sc.W * RES, ORIGIN_Y - sc.H * RES
    for k in range(21):
        f = k / 20.0
        for x, y in ((ORIGIN_X + f * (xmax - ORIGIN_X), ORIGIN_Y), (ORIGIN_X + f * (xmax - ORIGIN_X), ymin),
                     (ORIGIN_X, ymin + f * (ORIGIN_Y - ymin)), (xmax, ymin + f * (ORIGIN_Y - ymin))):
            lon, lat, _ = t.TransformPoint(x, y)
            xs.append(lon)
            ys.append(lat)
    return min(xs), min(ys), max(xs), max(ys)


def write_climate(sc, out):
    lon0, lat0, lon1, lat1 = footprint_lonlat(sc)
    pad = 0.03
    west = math.floor((lon0 - pad) / CLIM_RES) * CLIM_RES
    east = math.ceil((lon1 + pad) / CLIM_RES) * CLIM_RES
    south = math.floor((lat0 - pad) / CLIM_RES) * CLIM_RES
    north = math.ceil((lat1 + pad) / CLIM_RES) * CLIM_RES
    nx = int(round((east - west) / CLIM_RES))
    ny = int(round((north - south) / CLIM_RES))
    west, north = round(west, 2), round(north, 2)
    lon = west + (np.arange(nx) + 0.5) * CLIM_RES
    lat = north - (np.arange(ny) + 0.5) * CLIM_RES
    LON, LAT = np.meshgrid(lon, lat)
    t = osr.CoordinateTransformation(wgs84_srs(), utm_srs())
    pts = np.array(t.TransformPoints(np.column_stack([LON.ravel(), LAT.ravel()]).tolist()))
    px = ((pts[:, 0] - ORIGIN_X) / RES).reshape(LON.shape)
    py = ((ORIGIN_Y - pts[:, 1]) / RES).reshape(LON.shape)
    e = sc.elevation_points(py, px)
    qlo = sc.q_elev[0.30]
    inside = (px >= 0) & (px <= sc.W) & (py >= 0) & (py <= sc.H)
    emax = e[inside].max() if inside.any() else e.max()
    elev_m = 10.0 + 1800.0 * np.clip((e - qlo) / max(emax - qlo, 1e-9), 0, 1.05) ** 1.5
    cn = (sc.climnoise.points(py, px) - 0.5) * 2.0
    latc = 0.5 * (lat0 + lat1)
    lonc = 0.5 * (lon0 + lon1)
    tm, pr, sr = [], [], []
    for m in range(12):
        winter = max(0.0, math.cos(2 * math.pi * m / 12.0))       # 1 in January, 0 from April to October
        t_m = (T_BASE[m] - 0.0065 * elev_m * (1.0 + 0.3 * winter) - 0.8 * (LAT - latc)
               + 0.4 * cn - 0.7 * winter * (elev_m / 1800.0))
        p_m = P_BASE[m] * (1.0 + 0.35 * elev_m / 1800.0) * (1.0 + 0.06 * (LON - lonc)) * (1.0 + 0.08 * cn)
        s_m = S_BASE[m] * (1.0 - 0.08 * elev_m / 1800.0) * (1.0 - 0.02 * (LAT - latc)) * (1.0 + 0.02 * cn)
        tm.append(t_m)
        pr.append(np.maximum(p_m, 0.0))
        sr.append(s_m)
    # Two nodata cells inside the footprint (all bands): a gap in the station network.
    holes = []
    for fx, fy in ((0.72, 0.68), (0.30, 0.22)):
        x = ORIGIN_X + fx * sc.W * RES
        y = ORIGIN_Y - fy * sc.H * RES
        lo, la, _ = osr.CoordinateTransformation(utm_srs(), wgs84_srs()).TransformPoint(x, y)
        holes.append((int((north - la) / CLIM_RES), int((lo - west) / CLIM_RES)))
    os.makedirs(os.path.join(out, "climate"), exist_ok=True)
    gt = (west, CLIM_RES, 0.0, north, 0.0, -CLIM_RES)
    stats = {}
    for name, arrs, unit, desc in (("tmean", tm, "degC", "monthly mean air temperature"),
                                   ("prec", pr, "mm", "monthly precipitation"),
                                   ("srad", sr, "MJ m-2", "monthly total solar radiation")):
        mem = gdal.GetDriverByName("MEM").Create("", nx, ny, 12, gdal.GDT_Float32)
        mem.SetGeoTransform(gt)
        mem.SetProjection(wgs84_srs().ExportToWkt())
        for m in range(12):
            a = np.round(arrs[m], 2).astype(np.float32)
            for r, c in holes:
                a[r, c] = F_NODATA
            b = mem.GetRasterBand(m + 1)
            b.WriteArray(a)
            b.SetNoDataValue(F_NODATA)
            b.SetDescription(MONTHS[m])
            b.SetUnitType(unit)
        mem.SetMetadataItem("DESCRIPTION", desc + ", band m = month m of 2023")
        gdal.GetDriverByName("GTiff").CreateCopy(
            os.path.join(out, "climate", name + ".tif"), mem,
            options=["COMPRESS=DEFLATE", "PREDICTOR=3", "ZLEVEL=9", "INTERLEAVE=BAND"])
        valid = [a[a != F_NODATA] for a in (np.round(x, 2) for x in arrs)]
        stats[name] = (min(float(v.min()) for v in valid), max(float(v.max()) for v in valid))
    return (nx, ny, west, north), stats


# --------------------------------------------------------------------------
# Vectors
# --------------------------------------------------------------------------
CN_TOWN_A = "百东西南北长青白金桂梅兰竹松柳河湖山溪安丰和平永新崧驿章"
CN_TOWN_B = "官湖浦桥岭塘溪山口坞埠店市宅田港坂沙"
CN_TOWN_SUFFIX = ["镇", "街道", "乡", "镇"]
CN_COUNTY = ["上虞区", "越城区", "柯桥区", "嵊州市", "新昌县", "诸暨市", "东阳县", "义乌县",
             "临安区", "桐庐县", "淳安县", "建德市", "富阳区", "萧山区", "余杭区", "海宁市"]
CN_CITY = ["绍兴市", "杭州市"]


def tessellation(rng, nx, ny, x0, y0, x1, y1, jitter=0.22, wiggle=0.05, nsub=6):
    """Jittered grid of nx*ny cells with wiggly shared edges. Returns rings[j][i] (CCW, closed)."""
    cw, ch = (x1 - x0) / nx, (y1 - y0) / ny
    V = np.zeros((ny + 1, nx + 1, 2))
    for j in range(ny + 1):
        for i in range(nx + 1):
            dx = rng.uniform(-jitter, jitter) * cw if 0 < i < nx else 0.0
            dy = rng.uniform(-jitter, jitter) * ch if 0 < j < ny else 0.0
            V[j, i] = (x0 + i * cw + dx, y0 + j * ch + dy)
    edges = {}

    def edge(a, b):
        key = (a, b) if a < b else (b, a)
        if key not in edges:
            p, q = V[key[0]], V[key[1]]
            d = q - p
            n = np.array([-d[1], d[0]]) / (np.hypot(*d) + 1e-12)
            amp = wiggle * min(cw, ch)
            pts = [p]
            offs = rng.uniform(-1, 1, nsub - 1)
            for k in range(1, nsub):
                f = k / nsub
                pts.append(p + f * d + n * amp * offs[k - 1] * math.sin(math.pi * f))
            pts.append(q)
            edges[key] = [tuple(np.round(pt, 2)) for pt in pts]
        pts = edges[key]
        return pts if key == (a, b) else pts[::-1]

    # Generate every edge in a fixed order first (determinism independent of traversal).
    for j in range(ny + 1):
        for i in range(nx + 1):
            if i < nx:
                edge((j, i), (j, i + 1))
            if j < ny:
                edge((j, i), (j + 1, i))
    rings = []
    for j in range(ny):
        row = []
        for i in range(nx):
            a, b, c, d = (j, i), (j, i + 1), (j + 1, i + 1), (j + 1, i)   # y grows upward: CCW
            ring = edge(a, b)[:-1] + edge(b, c)[:-1] + edge(c, d)[:-1] + edge(d, a)
            row.append(ring)
        rings.append(row)
    return rings


def ring_geom(ring):
    r = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ring:
        r.AddPoint_2D(float(x), float(y))
    return r


def write_gpkg(path, layer_name, srs, gtype, fields, features):
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lyr = ds.CreateLayer(layer_name, srs, gtype, options=["FID=fid", "GEOMETRY_NAME=geom"])
    for f in fields:
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
    defn = lyr.GetLayerDefn()
    ds.StartTransaction()
    for attrs, geom in features:
        feat = ogr.Feature(defn)
        for f in fields:
            feat.SetField(f, attrs[f])
        feat.SetGeometry(geom)
        lyr.CreateFeature(feat)
    ds.CommitTransaction()
    ds = None


def write_townships(sc, out):
    W, H = sc.W * RES, sc.H * RES
    rng = rng_for(sc.seed, 40)
    # Margin strips outside every unit in the west, north and south; in the
    # east the units run 600 m past the grid (admin units clipped by the raster).
    x0, x1 = ORIGIN_X + 0.04 * W, ORIGIN_X + W + 600.0
    y0, y1 = ORIGIN_Y - H + 0.04 * H, ORIGIN_Y - 0.05 * H
    if sc.preset == "demo":
        nx, ny = 4, 3
        def county_of(i, j):       # j = 0 is the southern row
            return 2 if j == 0 else (0 if i < 2 else 1)
        def city_of(k):
            return 0
        counties = ["330604", "330602", "330603"]
        county_names = [CN_COUNTY[0], CN_COUNTY[1], CN_COUNTY[2]]
        cities = ["3306"]
    else:
        nx = ny = 20
        def county_of(i, j):
            return (j // 5) * 4 + (i // 5)
        def city_of(k):
            return 0 if (k % 4) < 2 else 1
        counties, county_names = [], []
        cities = ["3306", "3301"]
        for k in range(16):
            counties.append(cities[city_of(k)] + "%02d" % (k + 1))
            county_names.append(CN_COUNTY[k])
    rings = tessellation(rng, nx, ny, x0, y0, x1, y1)
    seq = {}
    feats = []
    used = set()
    nr = rng_for(sc.seed, 41)
    for j in range(ny - 1, -1, -1):          # north to south, west to east: codes read like a map
        for i in range(nx):
            k = county_of(i, j)
            seq[k] = seq.get(k, 0) + 1
            while True:
                nm = (CN_TOWN_A[nr.integers(len(CN_TOWN_A))] + CN_TOWN_B[nr.integers(len(CN_TOWN_B))]
                      + CN_TOWN_SUFFIX[nr.integers(len(CN_TOWN_SUFFIX))])
                if nm not in used:
                    used.add(nm)
                    break
            poly = ogr.Geometry(ogr.wkbPolygon)
            poly.AddGeometry(ring_geom(rings[j][i]))
            assert poly.IsValid()
            ci = city_of(k)
            feats.append(({"town_code": "%s%03d" % (counties[k], seq[k]), "town_name": nm,
                           "county_code": counties[k], "county_name": county_names[k],
                           "city_code": cities[ci], "city_name": CN_CITY[ci]}, poly))
    os.makedirs(os.path.join(out, "admin"), exist_ok=True)
    fields = ["town_code", "town_name", "county_code", "county_name", "city_code", "city_name"]
    write_gpkg(os.path.join(out, "admin", "townships.gpkg"), "townships", utm_srs(), ogr.wkbPolygon,
               fields, feats)
    return len(feats), len(set(counties)), len(cities)


def blob(rng, cx, cy, r, n=72, rough=0.25):
    """An irregular closed ring (UTM) around (cx, cy)."""
    ph = rng.uniform(0, 2 * np.pi, 4)
    amps = rng.uniform(0, rough, 4) / np.arange(1, 5)
    pts = []
    for k in range(n):
        a = 2 * np.pi * k / n
        rr = r * (1.0 + sum(amps[h] * np.sin((h + 2) * a + ph[h]) for h in range(4)))
        pts.append((cx + rr * np.cos(a), cy + rr * np.sin(a)))
    pts.append(pts[0])
    return pts


def write_redline(sc, out):
    W, H = sc.W * RES, sc.H * RES
    rng = rng_for(sc.seed, 50)
    t = osr.CoordinateTransformation(utm_srs(), wgs84_srs())
    S = min(W, H)

    def P(fx, fy):
        return ORIGIN_X + fx * W, ORIGIN_Y - fy * H

    def to_ll(ring):
        ll = t.TransformPoints([(x, y) for x, y in ring])
        return [(round(p[0], 7), round(p[1], 7)) for p in ll]

    def poly(*rings):
        g = ogr.Geometry(ogr.wkbPolygon)
        for r in rings:
            g.AddGeometry(ring_geom(to_ll(r)))
        return g

    feats = []
    # 1: a mountain reserve with an enclave (hole) that is not protected
    cx, cy = P(0.22, 0.30)
    outer = blob(rng, cx, cy, 0.22 * S)
    hole = blob(rng, cx + 0.03 * S, cy - 0.02 * S, 0.06 * S, n=24, rough=0.1)[::-1]
    g1 = ogr.Geometry(ogr.wkbMultiPolygon)
    g1.AddGeometry(poly(outer, hole))
    feats.append(("RL-01", "水源涵养", "水源涵养生态保护红线", g1))
    # 2: a river/wetland corridor crossing the southern edge of the grid
    cx, cy = P(0.62, 0.97)
    g2 = ogr.Geometry(ogr.wkbMultiPolygon)
    g2.AddGeometry(poly(blob(rng, cx, cy, 0.15 * S)))
    feats.append(("RL-02", "湿地保护", "生物多样性维护生态保护红线", g2))
    # 3: two small parts in one feature, one straddling the eastern edge
    g3 = ogr.Geometry(ogr.wkbMultiPolygon)
    for fx, fy, fr in ((0.80, 0.25, 0.07), (1.0, 0.50, 0.06)):
        cx, cy = P(fx, fy)
        g3.AddGeometry(poly(blob(rng, cx, cy, fr * S, n=40)))
    feats.append(("RL-03", "水土保持", "水土保持生态保护红线", g3))
    if sc.preset == "bench":
        for k in range(9):
            cx, cy = P(rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95))
            g = ogr.Geometry(ogr.wkbMultiPolygon)
            g.AddGeometry(poly(blob(rng, cx, cy, rng.uniform(0.02, 0.06) * S)))
            feats.append(("RL-%02d" % (k + 4), "生态保护", "生物多样性维护生态保护红线", g))
    for *_, g in feats:
        assert g.IsValid()
    fields = ["rl_code", "rl_name", "rl_type"]
    write_gpkg(os.path.join(out, "admin", "redline.gpkg"), "redline", wgs84_srs(), ogr.wkbMultiPolygon,
               fields, [(dict(zip(fields, f[:3])), f[3]) for f in feats])
    return len(feats)


# --------------------------------------------------------------------------
# Parameter table and scene file
# --------------------------------------------------------------------------
def write_classes(out):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    default = os.path.join(repo, "parameters", "default_classes.csv")
    dst = os.path.join(out, "classes.csv")
    if os.path.exists(default):
        shutil.copyfile(default, dst)
        with open(dst, encoding="utf-8") as f:
            codes = [line.split(",")[0].strip() for line in f.read().splitlines()[1:] if line.strip()]
        if str(UNKNOWN) in codes:
            log("warning: %s lists code %d, which the scene uses as the unknown class" % (default, UNKNOWN))
        return "copied from parameters/default_classes.csv"
    with open(dst, "w", encoding="utf-8", newline="\n") as f:
        f.write(PLACEHOLDER_HEADER + "\n")
        for row in PLACEHOLDER_ROWS:
            f.write(",".join(str(v) for v in row) + ",placeholder written by testdata/scenegen.py "
                    "(eps_max: Zhu et al. 2007 via SPEC section 4; pools illustrative)\n")
    return "placeholder (parameters/default_classes.csv not found)"


def write_scene_yaml(sc, out, name, regen):
    demo = sc.preset == "demo"
    L = ["# Synthetic scene generated by testdata/scenegen.py (preset %s, %dx%d pixels, seed %d)."
         % (sc.preset, sc.W, sc.H, sc.seed),
         "# Regenerate: /usr/bin/python3 testdata/scenegen.py %s --out DIR" % regen,
         "name: %s" % name,
         "grid: {reference: landcover}",
         "landcover: landcover.tif",
         "parameters: classes.csv",
         "canopy_height: lidar/chm.tif",
         "periods:"]
    for m, mon in enumerate(MONTHS):
        b = m + 1
        if demo and m == 0:
            # the mapping form, every key spelled out
            ndvi = "{path: ndvi/%s.tif, band: 1, scale: 0.0001, offset: 0, nodata: -32768}" % mon
        else:
            ndvi = "ndvi/%s.tif" % mon          # the file's own scale (0.0001) and nodata apply
        temp = ("{path: climate/tmean.tif, band: 12}" if demo and m == 11 else "climate/tmean.tif#%d" % b)
        L += ["  - month: %s" % mon,
              "    ndvi: %s" % ndvi,
              "    temperature: %s" % temp,
              "    precipitation: climate/prec.tif#%d" % b,
              "    radiation: climate/srad.tif#%d" % b]
    L += ["zones:",
          "  path: admin/townships.gpkg",
          "  layer: townships",
          "  levels:",
          "    - {name: township, id: town_code, label: town_name}",
          "    - {name: county, id: county_code, label: county_name}",
          "    - {name: city, id: city_code, label: city_name}",
          "redline: admin/redline.gpkg",
          "models:",
          "  npp: casa",
          "  rh: pei2009",
          "  carbon_fraction: 0.47",
          ""]
    with open(os.path.join(out, "scene.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L))


# --------------------------------------------------------------------------
def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="Write a deterministic synthetic sinkmap scene.")
    ap.add_argument("--preset", choices=["demo", "bench"], default="demo")
    ap.add_argument("--out", help="output directory (default for demo: testdata/demo)")
    ap.add_argument("--size", type=int, help="bench: N x N pixels (default 8192); demo: width N, height 3N/4")
    ap.add_argument("--size-multiplier", type=int, default=1,
                    help="demo only: K times the width and K times the height (K^2 the area)")
    ap.add_argument("--seed", type=int, default=20230101)
    ap.add_argument("--name", help="scene name (default from preset and size)")
    a = ap.parse_args()

    if a.preset == "demo":
        w = a.size if a.size else 512
        w *= a.size_multiplier
        h = (w * 3) // 4
        out = a.out or os.path.join(here, "demo")
        chm_fraction, tile_ndvi = 0.5, 256
        name = a.name or ("shangyu-2023-demo" if (w, h) == (512, 384) else "shangyu-2023-demo-%dx%d" % (w, h))
    else:
        if a.size_multiplier != 1:
            ap.error("--size-multiplier applies to --preset demo; use --size for bench")
        if not a.out:
            ap.error("--preset bench needs --out DIR (bench scenes are never committed)")
        w = h = a.size or 8192
        out = a.out
        chm_fraction, tile_ndvi = 1.0 / 3.0, 512
        name = a.name or "bench-%d" % w
    if w < 64 or h < 64:
        ap.error("scene too small (minimum 64 x 64 pixels)")

    t0 = time.time()
    os.makedirs(out, exist_ok=True)
    sc = Scene(a.preset, w, h, a.seed, chm_fraction)
    log("%s scene %dx%d (seed %d) -> %s" % (a.preset, w, h, a.seed, out))
    counts = write_rasters(sc, out, tile_ndvi)
    (cnx, cny, cw, cn), stats = write_climate(sc, out)
    ntown, ncounty, ncity = write_townships(sc, out)
    nred = write_redline(sc, out)
    params = write_classes(out)
    regen = "--preset %s" % a.preset
    if a.size:
        regen += " --size %d" % a.size
    if a.size_multiplier != 1:
        regen += " --size-multiplier %d" % a.size_multiplier
    regen += " --seed %d" % a.seed
    write_scene_yaml(sc, out, name, regen)
    used = {int(c): int(n) for c, n in enumerate(counts) if n}
    log("land cover pixels by code: %s" % used)
    log("climate grid %dx%d cells at %.2f deg from (%.2f, %.2f); ranges %s"
        % (cnx, cny, CLIM_RES, cw, cn, {k: (round(v[0], 1), round(v[1], 1)) for k, v in stats.items()}))
    log("%d townships in %d counties in %d cities; %d red-line features; classes.csv %s"
        % (ntown, ncounty, ncity, nred, params))
    log("done in %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
