#!/usr/bin/env python3
"""Plain numpy + rasterio implementation of the sinkmap SPEC model: the benchmark baseline.

    Benchmarks/.venv/bin/python Benchmarks/baseline/numpy_run.py SCENE.yaml --out DIR [--block-rows N]

This is the pipeline a competent remote-sensing user would script: read the
scene YAML, bring every input onto the target grid with rasterio's WarpedVRT,
run the CASA / Rh / carbon-stock model (SPEC section 3, see casa.py) as
vectorised numpy over whole arrays, write five Float32 GeoTIFFs and a
zonal CSV of per-unit totals.  Not tuned for speed, not made slow on purpose.

Design choices
--------------
* Whole arrays vs blocks: the scene is processed in full-width row blocks.
  The block height defaults to the whole raster when it has at most
  BLOCK_BUDGET (1 Mi) pixels, otherwise to the largest multiple of 256 rows
  (the output tile height) holding at most ~1 Mi pixels, and at least 256
  rows (8192-wide: 256 rows = 2 Mi px).  Whole float64 stacks of an 8192 x
  8192 tile (12 months x 4 variables) would need ~26 GiB, more than the
  24 GiB machine; measured on a 2048 x 2048 scene, a single whole-array
  block peaked at 5.5 GB RSS and took 55 s, 256-row blocks 0.9 GB and 35 s
  (smaller working sets stay in cache), with bit-identical outputs.
* Resampling is GDAL's, through WarpedVRT windows of the target grid:
  land cover nearest, or mode when the grid is coarser than the source (the
  source's pixel size, expressed in the grid CRS, < 0.999 x the grid's);
  continuous inputs bilinear when the source is coarser than the grid,
  average when it is finer; a source whose CRS, size and geotransform
  already match the grid is read directly (no warp).  WarpedVRT's default
  approximate transformer (tolerance 0.125 px) made values depend on the
  window read (up to 8e-4 relative in Rh between 64-row and whole-raster
  blocks on a test scene), so the tolerance is 1e-9 (0 crashes rasterio 1.4);
  with it, and with GDAL_VRT_WARP_USE_DATASET_RASTERIO=NO (EXACT_ENV below:
  GDAL >= 3.8 otherwise warps a large read as one region, and with `average`
  the region decided whether the bench CHM's 5 m east-edge sliver got a
  canopy height), the outputs are bit-identical for any --block-rows.
  `--approximate` keeps rasterio's defaults (0.125 px, region reads) instead:
  the baseline as a user scripts it without thinking about transformers.  The
  warped continuous inputs use a Float64 working/output type with NaN as
  nodata, so scaled Int16 sources are averaged/interpolated on the raw values
  without integer rounding; scale and offset are applied afterwards (they are
  linear, so this equals resampling the physical values).
  "Coarser" compares the geometric-mean source pixel size expressed in the
  grid CRS (rasterio.warp.calculate_default_transform) with the grid's.
* The model is float64 throughout; rasters are rounded to Float32 on write.
* Only the pixels that are accounted (valid land-cover code present in the
  parameter table) and have all 48 monthly inputs valid (P >= 0) go through
  the CASA arithmetic (boolean-compressed 1-D arrays).
* Zonal totals: the finest zone polygons (reprojected to the grid CRS) are
  rasterised per block with rasterio.features.rasterize (pixel-centre rule,
  later features win on overlaps), and per (unit, ecosystem, red line)
  sums are accumulated with np.bincount in float64.  Coarser levels are the
  sums of the finest units.  Pixel area is |a*e| of the geotransform for a
  projected CRS (times the CRS's linear-unit factor squared) and the exact
  ellipsoidal (WGS84 authalic) area of the cell row for a geographic CRS.
"""
import argparse
import csv
import json
import math
import os
import resource
import sys
import time

import numpy as np
import rasterio
import yaml
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.vrt import WarpedVRT
from rasterio.warp import calculate_default_transform, transform_geom
from rasterio.windows import Window

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casa  # noqa: E402

NODATA = -9999.0
BLOCK_BUDGET = 1024 * 1024
# WarpedVRT default (0.125 px) lets the approximate transformer make results depend on the
# window read; 0 crashes rasterio 1.4 (no transformer), so use a negligible positive value.
TOLERANCE = 1e-9
# rasterio's default (WarpedVRT and rasterio.warp.reproject): GDAL's approximate transformer,
# error threshold 0.125 px. Used with --approximate, the baseline as a user scripts it by default.
DEFAULT_TOLERANCE = 0.125
# GDAL >= 3.8 (rasterio 1.4 bundles 3.10) warps a WarpedVRT read larger than a block in both
# directions as one region instead of block by block; with `average`, that region decides whether
# a target pixel covered by a sliver at the source's edge gets the sliver's mean or nodata
# (measured: the bench CHM's east-edge column came out nodata for full-width reads of 256 rows or
# the whole grid, valid for 128 rows, as `gdalwarp -r average -et 0` has it). Block by block,
# values do not depend on the window read; the exact baseline is the agreement reference, so it
# reads that way. The approximate baseline keeps rasterio's defaults (a user's script).
EXACT_ENV = {"GDAL_VRT_WARP_USE_DATASET_RASTERIO": "NO"}
ECOSYSTEMS = ["forest", "shrub", "grassland", "wetland", "farmland", "urban", "water", "other"]
PARAM_COLUMNS = ["code", "name", "ecosystem", "eps_max", "ndvi_min", "ndvi_max", "agb_a",
                 "agb_b", "root_shoot", "c_above", "c_below", "c_soil", "c_dead"]
OUTPUTS = ["npp", "rh", "nep", "agb", "carbon"]


def die(msg):
    print(f"numpy_run: error: {msg}", file=sys.stderr)
    sys.exit(2)


# ----------------------------------------------------------------------------- scene

class Ref:
    """A raster reference: path, band, and optional scale/offset/nodata overrides."""

    def __init__(self, value, base, what):
        self.scale = self.offset = self.nodata = None
        self.band = 1
        if isinstance(value, str):
            path = value
            if "#" in value:
                p, b = value.rsplit("#", 1)
                if b.strip().isdigit():
                    path, self.band = p, int(b)
        elif isinstance(value, dict):
            if "path" not in value:
                die(f"{what}: raster reference without 'path'")
            path = str(value["path"])
            self.band = int(value.get("band", 1))
            self.scale = value.get("scale")
            self.offset = value.get("offset")
            self.nodata = value.get("nodata")
        else:
            die(f"{what}: not a raster reference: {value!r}")
        self.path = path if os.path.isabs(path) else os.path.normpath(os.path.join(base, path))
        self.what = what


class Grid:
    def __init__(self, crs, transform, width, height):
        self.crs, self.transform, self.width, self.height = crs, transform, width, height

    def __repr__(self):
        return (f"{self.width}x{self.height} {self.crs.to_string()} "
                f"res {self.transform.a:g},{-self.transform.e:g}")


def load_scene(path):
    base = os.path.dirname(os.path.abspath(path))
    try:
        with open(path) as f:
            sc = yaml.safe_load(f)
    except OSError as e:
        die(f"{path}: {e.strerror}")
    if not isinstance(sc, dict):
        die(f"{path}: not a YAML mapping")
    for key in ("landcover", "parameters", "periods"):
        if key not in sc:
            die(f"{path}: missing '{key}'")
    scene = {"name": sc.get("name", os.path.basename(path)), "base": base}
    scene["landcover"] = Ref(sc["landcover"], base, "landcover")
    p = sc["parameters"]
    scene["parameters"] = p if os.path.isabs(p) else os.path.join(base, p)
    ch = sc.get("canopy_height")
    if ch is None:
        scene["chm"] = None
    elif isinstance(ch, dict) and "dsm" in ch:
        scene["chm"] = ("dsm-dtm", Ref(ch["dsm"], base, "canopy_height.dsm"),
                        Ref(ch["dtm"], base, "canopy_height.dtm"))
    else:
        scene["chm"] = ("chm", Ref(ch, base, "canopy_height"))
    periods = sc["periods"]
    if not isinstance(periods, list) or len(periods) != 12:
        die(f"{path}: 'periods' must list exactly 12 months")
    months = [str(pp.get("month")) for pp in periods]
    if len(set(months)) != 12:
        die(f"{path}: the 12 periods must be 12 distinct months")
    order = sorted(range(12), key=lambda k: months[k])  # calendar order
    scene["periods"] = []
    for k in order:
        pp = periods[k]
        m = months[k]
        d = {"month": m}
        if "ndvi" in pp:
            d["ndvi"] = Ref(pp["ndvi"], base, f"periods[{m}].ndvi")
        elif "red" in pp and "nir" in pp:
            d["red"] = Ref(pp["red"], base, f"periods[{m}].red")
            d["nir"] = Ref(pp["nir"], base, f"periods[{m}].nir")
        else:
            die(f"{path}: period {m} needs 'ndvi' or 'red' and 'nir'")
        for v in ("temperature", "precipitation", "radiation"):
            if v not in pp:
                die(f"{path}: period {m} has no '{v}'")
            d[v] = Ref(pp[v], base, f"periods[{m}].{v}")
        scene["periods"].append(d)
    scene["zones"] = sc.get("zones")
    if scene["zones"]:
        zp = scene["zones"]["path"]
        scene["zones"]["path"] = zp if os.path.isabs(zp) else os.path.join(base, zp)
    rl = sc.get("redline")
    scene["redline_layer"] = None
    if isinstance(rl, dict):
        scene["redline_layer"] = rl.get("layer")
        rl = rl.get("path")
    scene["redline"] = None if rl is None else (rl if os.path.isabs(rl) else os.path.join(base, rl))
    models = sc.get("models") or {}
    scene["rh"] = models.get("rh", "pei2009")
    q = models.get("rh_q10") or {}
    scene["rh_q10"] = (float(q.get("r_ref", 1.0)), float(q.get("q10", 2.0)), float(q.get("t_ref", 10.0)))
    scene["cf"] = float(models.get("carbon_fraction", 0.47))
    if models.get("npp", "casa") != "casa":
        die(f"{path}: models.npp must be casa")
    if scene["rh"] not in ("pei2009", "q10"):
        die(f"{path}: models.rh must be pei2009 or q10")
    scene["grid"] = sc.get("grid") or {"reference": "landcover"}
    return scene


def target_grid(scene):
    g = scene["grid"]
    if "reference" in g:
        ref = g["reference"]
        if ref == "landcover":
            r = scene["landcover"]
        elif ref == "canopy_height" and scene["chm"]:
            r = scene["chm"][1]
        else:
            die(f"grid.reference: unknown input {ref!r}")
        with rasterio.open(r.path) as ds:
            return Grid(ds.crs, ds.transform, ds.width, ds.height)
    crs = CRS.from_user_input(g["crs"])
    res = g["resolution"]
    rx, ry = (float(res), float(res)) if not isinstance(res, (list, tuple)) else map(float, res)
    xmin, ymin, xmax, ymax = map(float, g["bounds"])
    w = int(round((xmax - xmin) / rx))
    h = int(round((ymax - ymin) / ry))
    return Grid(crs, Affine(rx, 0, xmin, 0, -ry, ymax), w, h)


def load_parameters(path):
    try:
        f = open(path, newline="")
    except OSError as e:
        die(f"{path}: {e.strerror}")
    with f:
        rows = list(csv.DictReader(f))
    if not rows:
        die(f"{path}: empty parameter table")
    missing = [c for c in PARAM_COLUMNS if c not in rows[0]]
    if missing:
        die(f"{path}: missing column(s) {', '.join(missing)}")
    rows.sort(key=lambda r: int(r["code"]))
    t = {"code": np.array([int(r["code"]) for r in rows], dtype=np.int64),
         "name": [r["name"] for r in rows], "ecosystem": [r["ecosystem"].strip() for r in rows]}
    for c in PARAM_COLUMNS[3:]:
        empty = np.nan if c in ("agb_a", "agb_b") else 0.0
        t[c] = np.array([float(r[c]) if r[c].strip() != "" else empty for r in rows])
    # Optional `method` column (SPEC section 6): casa (default) or none (NPP = Rh = NEP = 0
    # whatever the inputs); `coefficient` is not implemented by sinkmap either.
    methods = [(r.get("method") or "casa").strip() or "casa" for r in rows]
    bad = sorted(set(methods) - {"casa", "none"})
    if bad:
        die(f"{path}: method {bad[0]} is not supported by the baseline")
    t["no_flux"] = np.array([m == "none" for m in methods])
    return t


# ----------------------------------------------------------------------------- reading

def _same(a, b, tol):
    return abs(a - b) <= tol


class Source:
    """One opened file + resampling method + nodata; yields float windows on the grid."""

    def __init__(self, path, grid, categorical, nodata_override):
        try:
            self.ds = rasterio.open(path)
        except rasterio.errors.RasterioIOError as e:
            die(f"{path}: {e}")
        ds = self.ds
        self.path = path
        self.categorical = categorical
        self.src_nodata = nodata_override
        t = ds.transform
        gt = grid.transform
        same_crs = ds.crs == grid.crs
        if same_crs:
            rx, ry = abs(t.a), abs(t.e)
        else:
            tt, _, _ = calculate_default_transform(ds.crs, grid.crs, ds.width, ds.height, *ds.bounds)
            rx, ry = abs(tt.a), abs(tt.e)
        src_px = math.sqrt(rx * ry)
        grid_px = math.sqrt(abs(gt.a * gt.e))
        tol = 1e-6 * grid_px
        self.direct = (same_crs and ds.width == grid.width and ds.height == grid.height and
                       all(_same(a, b, tol) for a, b in zip(t[:6], gt[:6])))
        def _on_lattice(off, step):
            k = off / step
            return abs(k - round(k)) < 1e-6
        aligned = (same_crs and _same(abs(t.a), abs(gt.a), tol) and _same(abs(t.e), abs(gt.e), tol)
                   and _on_lattice(t.c - gt.c, gt.a) and _on_lattice(t.f - gt.f, gt.e))
        # input finer than the grid (the grid aggregates it): mode / average;
        # coarser or equal: nearest / bilinear (an equal, aligned lattice is an exact copy).
        if src_px / grid_px < 0.999:
            rs = Resampling.mode if categorical else Resampling.average
        elif categorical or (aligned and src_px / grid_px < 1.001):
            rs = Resampling.nearest
        else:
            rs = Resampling.bilinear
        self.resampling = rs
        self.vrt = None
        if not self.direct:
            if categorical:
                nod = nodata_override if nodata_override is not None else ds.nodata
                fill = nod if nod is not None else -2147483648
                self.fill = fill
                self.vrt = WarpedVRT(ds, crs=grid.crs, transform=gt, width=grid.width,
                                     height=grid.height, resampling=rs, src_nodata=nod, tolerance=TOLERANCE,
                                     nodata=fill, dtype="int32")
            else:
                kw = {}
                if nodata_override is not None:
                    kw["src_nodata"] = nodata_override
                self.vrt = WarpedVRT(ds, crs=grid.crs, transform=gt, width=grid.width,
                                     height=grid.height, resampling=rs, nodata=np.nan, tolerance=TOLERANCE,
                                     dtype="float64", **kw)

    def describe(self):
        return "direct" if self.direct else f"warp:{self.resampling.name}"

    def read(self, bands, window):
        src = self.ds if self.direct else self.vrt
        return src.read(bands, window=window)


class Reader:
    """Opens each distinct (file, nodata, kind) once; reads all needed bands per block."""

    def __init__(self, grid):
        self.grid = grid
        self.sources = {}
        self.wanted = {}  # source key -> set of bands

    def add(self, ref, categorical=False):
        key = (ref.path, ref.nodata, categorical)
        if key not in self.sources:
            self.sources[key] = Source(ref.path, self.grid, categorical, ref.nodata)
        src = self.sources[key]
        if ref.band < 1 or ref.band > src.ds.count:
            die(f"{ref.what}: {ref.path} has no band {ref.band} ({src.ds.count} bands)")
        self.wanted.setdefault(key, set()).add(ref.band)
        ds = src.ds
        scale = ref.scale if ref.scale is not None else ds.scales[ref.band - 1]
        offset = ref.offset if ref.offset is not None else ds.offsets[ref.band - 1]
        nod = ref.nodata if ref.nodata is not None else ds.nodatavals[ref.band - 1]
        ref._key, ref._scale, ref._offset, ref._nodata = key, float(scale), float(offset), nod
        return ref

    def start_block(self, window):
        self.cache = {}
        for key, bands in self.wanted.items():
            bl = sorted(bands)
            arr = self.sources[key].read(bl, window)
            self.cache[key] = {b: arr[i] for i, b in enumerate(bl)}

    def physical(self, ref):
        """float64 physical values of a continuous input on the block, NaN = nodata."""
        src = self.sources[ref._key]
        raw = self.cache[ref._key][ref.band]
        v = raw.astype(np.float64)
        if src.direct and ref._nodata is not None and not (isinstance(ref._nodata, float) and math.isnan(ref._nodata)):
            v[raw == ref._nodata] = np.nan
        # warped: nodata is already NaN (Float64 output, src_nodata honoured by GDAL)
        if ref._scale != 1.0 or ref._offset != 0.0:
            v = v * ref._scale + ref._offset
        return v

    def categorical(self, ref):
        """int64 codes and validity mask."""
        src = self.sources[ref._key]
        raw = self.cache[ref._key][ref.band]
        valid = np.ones(raw.shape, dtype=bool)
        if src.direct:
            if ref._nodata is not None:
                valid &= raw != ref._nodata
        else:
            valid &= raw != src.fill
        return raw.astype(np.int64), valid


# ----------------------------------------------------------------------------- zones

def read_polygons(path, layer, grid_crs, fields):
    import pyogrio.raw
    import shapely
    try:
        meta, _fids, geoms, field_data = pyogrio.raw.read(path, layer=layer)
    except Exception as e:  # noqa: BLE001
        die(f"{path}: {e}")
    names = list(meta["fields"])
    cols = {}
    for f in fields:
        if f is None:
            continue
        if f not in names:
            die(f"{path}: no field {f!r} (fields: {', '.join(names)})")
        cols[f] = [("" if v is None else str(v)) for v in field_data[names.index(f)]]
    src_crs = CRS.from_user_input(meta["crs"]) if meta.get("crs") else grid_crs
    out = []
    for g in geoms:
        if g is None:
            out.append(None)
            continue
        geom = shapely.from_wkb(g)
        gj = shapely.geometry.mapping(geom)
        if src_crs != grid_crs:
            gj = transform_geom(src_crs, grid_crs, gj)
        out.append(gj)
    return out, cols


def cell_areas_m2(grid, row0, nrows):
    """Area (m2) of one cell in each row of the block."""
    t = grid.transform
    if not grid.crs.is_geographic:
        f = 1.0
        try:
            f = grid.crs.linear_units_factor[1]
        except Exception:  # noqa: BLE001
            pass
        return np.full(nrows, abs(t.a * t.e) * f * f)
    # WGS84 ellipsoid: area between two latitudes per radian of longitude = b^2/2 * [q]
    a_ = 6378137.0
    fl = 1 / 298.257223563
    e2 = fl * (2 - fl)
    e = math.sqrt(e2)
    rows = np.arange(row0, row0 + nrows + 1, dtype=np.float64)
    lat = np.radians(t.f + rows * t.e)
    s = np.sin(lat)
    q = (1 - e2) * (s / (1 - e2 * s * s) - (1 / (2 * e)) * np.log((1 - e * s) / (1 + e * s)))
    dlon = math.radians(abs(t.a))
    return np.abs(a_ * a_ / 2 * dlon * (q[:-1] - q[1:]))


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scene")
    ap.add_argument("--out", required=True)
    ap.add_argument("--block-rows", type=int, default=0,
                    help="rows per block (default: whole raster if <= 1 Mi pixels, else a multiple of 256 rows ~1 Mi pixels)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--approximate", action="store_true",
                    help="rasterio's default approximate warp (tolerance 0.125 px) instead of exact transforms")
    args = ap.parse_args(argv)
    if args.approximate:
        global TOLERANCE
        TOLERANCE = DEFAULT_TOLERANCE
        return run(args)
    with rasterio.Env(**EXACT_ENV):
        return run(args)


def run(args):
    t0 = time.perf_counter()

    scene = load_scene(args.scene)
    grid = target_grid(scene)
    params = load_parameters(scene["parameters"])
    codes = params["code"]
    ncls = len(codes)
    ecos = [e for e in ECOSYSTEMS if e in params["ecosystem"]]
    ecos += sorted(set(params["ecosystem"]) - set(ecos))
    cls_eco = np.array([ecos.index(e) for e in params["ecosystem"]], dtype=np.int64)
    has_redline = scene["redline"] is not None

    rd = Reader(grid)
    lc_ref = rd.add(scene["landcover"], categorical=True)
    per = scene["periods"]
    for p in per:
        for k in ("ndvi", "red", "nir", "temperature", "precipitation", "radiation"):
            if k in p:
                rd.add(p[k])
    chm = scene["chm"]
    if chm:
        for r in chm[1:]:
            rd.add(r)
    if not args.quiet:
        print(f"grid {grid}", file=sys.stderr)
        for key, s in rd.sources.items():
            print(f"  {os.path.relpath(key[0], scene['base'])}: {s.describe()}", file=sys.stderr)

    # zones
    zones = scene["zones"]
    levels = []
    if zones:
        levels = zones.get("levels") or []
        if not levels:
            die("zones: no levels")
        fields = []
        for lv in levels:
            fields += [lv["id"], lv.get("label")]
        zgeoms, zcols = read_polygons(zones["path"], zones.get("layer"), grid.crs, fields)
        zshapes = [(g, i + 1) for i, g in enumerate(zgeoms) if g is not None]
    nzone = (len(zgeoms) if zones else 0) + 1
    if has_redline:
        rgeoms, _ = read_polygons(scene["redline"], scene["redline_layer"], grid.crs, [])
        rshapes = [(g, 1) for g in rgeoms if g is not None]

    # outputs
    os.makedirs(args.out, exist_ok=True)
    profile = dict(driver="GTiff", dtype="float32", count=1, width=grid.width, height=grid.height,
                   crs=grid.crs, transform=grid.transform, nodata=NODATA, tiled=True,
                   blockxsize=256, blockysize=256, compress="deflate", BIGTIFF="IF_SAFER")
    outs = {k: rasterio.open(os.path.join(args.out, f"{k}.tif"), "w", **profile) for k in OUTPUTS}

    nbins = nzone * len(ecos) * 2
    acc = {k: np.zeros(nbins) for k in ("pixels", "area", "npp", "rh", "nep", "carbon")}
    left_out = {}
    scene_tot = {"pixels": 0, "npp_valid_pixels": 0}

    W, H = grid.width, grid.height
    if args.block_rows > 0:
        brows = args.block_rows
    elif W * H <= BLOCK_BUDGET:
        brows = H
    else:
        brows = max(256, (BLOCK_BUDGET // W) // 256 * 256)
    cf = scene["cf"]
    t_read = t_model = t_write = t_zone = 0.0
    for row0 in range(0, H, brows):
        nr = min(brows, H - row0)
        win = Window(0, row0, W, nr)
        ta = time.perf_counter()
        rd.start_block(win)
        lc, lc_valid = rd.categorical(lc_ref)
        ndvi = np.empty((12, nr, W))
        tt = np.empty((12, nr, W))
        pp = np.empty((12, nr, W))
        sol = np.empty((12, nr, W))
        for m, p in enumerate(per):
            if "ndvi" in p:
                ndvi[m] = rd.physical(p["ndvi"])
            else:
                red, nir = rd.physical(p["red"]), rd.physical(p["nir"])
                s = nir + red
                with np.errstate(divide="ignore", invalid="ignore"):
                    ndvi[m] = np.where(s == 0, np.nan, (nir - red) / s)
            tt[m] = rd.physical(p["temperature"])
            pp[m] = rd.physical(p["precipitation"])
            sol[m] = rd.physical(p["radiation"])
        if chm is None:
            h = np.full((nr, W), np.nan)
        elif chm[0] == "chm":
            h = rd.physical(chm[1])
        else:
            h = rd.physical(chm[1]) - rd.physical(chm[2])
        rd.cache = None
        tb = time.perf_counter()
        t_read += tb - ta

        # classes
        idx = np.clip(np.searchsorted(codes, lc), 0, ncls - 1)
        known = lc_valid & (codes[idx] == lc)
        unk = lc_valid & ~known
        if unk.any():
            u, c = np.unique(lc[unk], return_counts=True)
            for uu, cc in zip(u.tolist(), c.tolist()):
                left_out[uu] = left_out.get(uu, 0) + cc
        monthly_ok = (np.isfinite(ndvi).all(0) & np.isfinite(tt).all(0) & np.isfinite(pp).all(0)
                      & np.isfinite(sol).all(0) & (pp >= 0).all(0))
        no_flux = known & params["no_flux"][idx]
        sel = known & monthly_ok & ~no_flux
        ci = idx[sel]
        npp1 = casa.casa(ndvi[:, sel], tt[:, sel], pp[:, sel], sol[:, sel],
                         params["eps_max"][ci], params["ndvi_min"][ci], params["ndvi_max"][ci])
        r_ref, q10, t_ref = scene["rh_q10"]
        rh1 = casa.rh_annual(tt[:, sel], pp[:, sel], scene["rh"], r_ref, q10, t_ref)
        del ndvi, tt, pp, sol
        ck = idx[known]
        agb1, ctot1 = casa.carbon_stock(h[known], params["agb_a"][ck], params["agb_b"][ck],
                                        params["root_shoot"][ck], params["c_above"][ck],
                                        params["c_below"][ck], params["c_soil"][ck],
                                        params["c_dead"][ck], cf)
        res = {}
        for k, mask, v in (("npp", sel, npp1), ("rh", sel, rh1), ("nep", sel, npp1 - rh1),
                           ("agb", known, agb1), ("carbon", known, ctot1)):
            a = np.full((nr, W), NODATA, dtype=np.float32)
            a[mask] = v
            if k in ("npp", "rh", "nep"):
                a[no_flux] = 0
            res[k] = (a, mask, v)
        tc = time.perf_counter()
        t_model += tc - tb

        for k in OUTPUTS:
            outs[k].write(res[k][0], 1, window=win)
        td = time.perf_counter()
        t_write += td - tc

        # zonal accumulation: key = (zone, ecosystem, redline)
        btr = grid.transform * Affine.translation(0, row0)
        if zones and zshapes:
            z = rasterize(zshapes, out_shape=(nr, W), transform=btr, fill=0, dtype="int32")
        else:
            z = np.zeros((nr, W), dtype=np.int32)
        if has_redline and rshapes:
            red = rasterize(rshapes, out_shape=(nr, W), transform=btr, fill=0, dtype="uint8")
        else:
            red = np.zeros((nr, W), dtype=np.uint8)
        area = np.broadcast_to(cell_areas_m2(grid, row0, nr)[:, None], (nr, W))
        key = (z.astype(np.int64) * len(ecos) + cls_eco[idx]) * 2 + red
        kk = key[known]
        ak = area[known]
        acc["pixels"] += np.bincount(kk, minlength=nbins)
        acc["area"] += np.bincount(kk, weights=ak, minlength=nbins)
        ks, asel = key[sel], area[sel]
        acc["npp"] += np.bincount(ks, weights=npp1 * asel, minlength=nbins)
        acc["rh"] += np.bincount(ks, weights=rh1 * asel, minlength=nbins)
        acc["nep"] += np.bincount(ks, weights=(npp1 - rh1) * asel, minlength=nbins)
        acc["carbon"] += np.bincount(kk, weights=ctot1 * ak, minlength=nbins)
        scene_tot["pixels"] += int(known.sum())
        scene_tot["npp_valid_pixels"] += int(sel.sum()) + int(no_flux.sum())
        t_zone += time.perf_counter() - td
        if not args.quiet:
            print(f"  rows {row0 + nr}/{H}", file=sys.stderr)
    for o in outs.values():
        o.close()
    te = time.perf_counter()

    # ---- totals and CSV
    shape = (nzone, len(ecos), 2)
    A = {k: v.reshape(shape) for k, v in acc.items()}
    # units: A[...] sums area_m2 and value*area_m2
    def conv(k, v):
        if k == "pixels":
            return int(round(v))
        if k == "area":
            return v / 1e4  # ha
        if k == "carbon":
            return v / 1e4  # Mg C/ha * ha
        return v / 1e6  # gC/m2 * m2 -> tC
    tot = {k: conv(k, A[k].sum()) for k in A}
    rows = []
    if zones:
        fin = levels[0]
        for li, lv in enumerate(levels):
            ids = zcols[lv["id"]]
            labels = zcols[lv["label"]] if lv.get("label") else [""] * len(ids)
            parent = zcols[levels[li + 1]["id"]] if li + 1 < len(levels) else [""] * len(ids)
            units = {}
            for fi in range(len(ids)):
                u = units.setdefault(ids[fi], {"name": labels[fi], "parent": parent[fi], "feat": []})
                u["feat"].append(fi + 1)
            for uid in sorted(units):
                u = units[uid]
                sub = {k: A[k][u["feat"]].sum(axis=0) for k in A}  # (eco, red)
                combos = [("all", "all")]
                combos += [(e, "all") for e in ecos]
                if has_redline:
                    combos += [("all", r) for r in ("inside", "outside")]
                    combos += [(e, r) for e in ecos for r in ("inside", "outside")]
                for e, r in combos:
                    es = slice(None) if e == "all" else ecos.index(e)
                    rs = slice(None) if r == "all" else (1 if r == "inside" else 0)
                    vals = {k: conv(k, np.sum(sub[k][es, rs])) for k in sub}
                    if vals["pixels"] == 0 and (e, r) != ("all", "all"):
                        continue
                    rows.append([lv["name"], uid, u["name"], u["parent"], e, r, vals["pixels"],
                                 vals["area"], vals["npp"], vals["rh"], vals["nep"], vals["carbon"],
                                 vals["nep"] * 44 / 12, vals["carbon"] * 44 / 12])
        with open(os.path.join(args.out, "zonal.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["level", "unit_id", "unit_name", "parent_id", "ecosystem", "redline", "pixels",
                        "area_ha", "npp_tc", "rh_tc", "nep_tc", "carbon_tc", "nep_tco2e", "carbon_tco2e"])
            for r in rows:
                w.writerow([repr(float(x)) if isinstance(x, float) else x for x in r])
        del fin
    outside = {k: conv(k, A[k][0].sum()) for k in A}
    tf = time.perf_counter()
    wall = tf - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    summary = {
        "scene": scene["name"], "grid": str(grid), "block_rows": brows,
        "totals": {"pixels": tot["pixels"], "area_ha": tot["area"], "npp_tc": tot["npp"],
                   "rh_tc": tot["rh"], "nep_tc": tot["nep"], "carbon_tc": tot["carbon"]},
        "npp_valid_pixels": scene_tot["npp_valid_pixels"],
        "outside_zones": {"pixels": outside["pixels"], "npp_tc": outside["npp"],
                          "carbon_tc": outside["carbon"]},
        "left_out_codes": {str(k): v for k, v in sorted(left_out.items())},
        "timings_s": {"read_resample": t_read, "model": t_model, "write": t_write,
                      "zonal": t_zone, "total": wall},
        "peak_rss_mb": rss_mb,
    }
    with open(os.path.join(args.out, "baseline_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    if left_out:
        print("left out (code: pixels): " +
              ", ".join(f"{k}: {v}" for k, v in sorted(left_out.items())), file=sys.stderr)
    mpx = W * H / 1e6
    print(f"scene {scene['name']}: {W}x{H} px, accounted {tot['pixels']} px, "
          f"area {tot['area']:.2f} ha")
    print(f"totals: npp_tc={tot['npp']:.3f} rh_tc={tot['rh']:.3f} nep_tc={tot['nep']:.3f} "
          f"carbon_tc={tot['carbon']:.3f}")
    print(f"phases: read+resample {t_read:.2f}s, model {t_model:.2f}s, write {t_write:.2f}s, "
          f"zonal {t_zone + (tf - te):.2f}s")
    print(f"numpy_baseline_seconds={wall:.3f}")
    print(f"numpy_baseline_peak_rss_mb={rss_mb:.1f}")
    print(f"numpy_baseline_mpx_per_s={mpx / wall:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
