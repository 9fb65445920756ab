"""SPEC section 3 worked example through the baseline's numpy model (casa.py).

Run:  Benchmarks/.venv/bin/python -m pytest Benchmarks/baseline/test_worked_example.py
  or  Benchmarks/.venv/bin/python Benchmarks/baseline/test_worked_example.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casa  # noqa: E402

T = np.array([-12, -4, 3, 10, 16, 21, 24, 23, 17, 9, 1, -8], dtype=float)
P = np.array([2, 5, 12, 30, 55, 90, 140, 120, 60, 25, 8, 3], dtype=float)
SOL = np.array([230, 300, 420, 520, 600, 640, 620, 560, 450, 340, 240, 200], dtype=float)
NDVI = np.array([0.10, 0.12, 0.18, 0.30, 0.48, 0.62, 0.71, 0.69, 0.55, 0.36, 0.20, 0.12])
EPS_MAX, NDVI_MIN, NDVI_MAX = 0.692, 0.023, 0.747
REL = 1e-5


def close(got, want):
    got = float(got)
    assert abs(got - want) <= REL * abs(want), f"got {got!r}, want {want!r}"


def test_monthly_terms_and_npp():
    npp, terms = casa.casa(NDVI, T, P, SOL, EPS_MAX, NDVI_MIN, NDVI_MAX, monthly=True)
    close(terms["fpar"][6], 0.844056)
    close(terms["ep"][6], 119.610652)
    close(terms["weps"][6], 0.945759)
    close(terms["npp"][6], 168.755250)
    close(npp, 600.512019)


def test_model_on_arrays_matches_scalar():
    # the same pixel broadcast over a 3x4 block, as the pipeline uses it
    shp = (12, 3, 4)
    b = lambda v: np.broadcast_to(v[:, None, None], shp).copy()  # noqa: E731
    npp = casa.casa(b(NDVI), b(T), b(P), b(SOL), EPS_MAX, NDVI_MIN, NDVI_MAX)
    assert npp.shape == (3, 4)
    assert np.allclose(npp, 600.512019, rtol=REL, atol=0)


def test_rh_and_nep():
    rh = casa.rh_annual(T, P, "pei2009")
    close(rh, 207.897130)
    npp = casa.casa(NDVI, T, P, SOL, EPS_MAX, NDVI_MIN, NDVI_MAX)
    close(npp - rh, 392.614889)


def test_carbon_stock_with_lidar():
    agb, ctot = casa.carbon_stock(np.array(18.0), 14.574468, 0.952, 0.24, 60.0, 14.0,
                                  90.0, 5.0, 0.47)
    close(agb, 228.355848)
    close(ctot, 228.085788)


def test_carbon_stock_without_lidar():
    agb, ctot = casa.carbon_stock(np.array(np.nan), 14.574468, 0.952, 0.24, 60.0, 14.0,
                                  90.0, 5.0, 0.47)
    close(agb, 127.659574)
    close(ctot, 169.0)
    # class without allometry falls back to the table even with a canopy height
    agb, ctot = casa.carbon_stock(np.array(18.0), np.nan, np.nan, 0.24, 60.0, 14.0,
                                  90.0, 5.0, 0.47)
    close(agb, 127.659574)
    close(ctot, 169.0)


def test_q10_and_ties():
    close(casa.rh_annual(np.full(12, 10.0), P, "q10", 1.0, 2.0, 10.0), 360.0)
    nd = np.array([0.5, 0.7, 0.7] + [0.1] * 9)
    t = np.arange(12, dtype=float)
    assert float(casa.t_opt(nd, t)) == 1.0  # first month on ties


if __name__ == "__main__":
    n = f = 0
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn()
                n += 1
            except AssertionError as e:
                f += 1
                print(f"FAIL {name}: {e}")
    print(f"{n} passed, {f} failed")
    sys.exit(1 if f else 0)
