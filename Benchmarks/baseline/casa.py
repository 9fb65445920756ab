"""The SPEC section 3 model as plain vectorised numpy functions.

Every function works element-wise on numpy arrays (or scalars) of any shape;
monthly stacks have the month as the first axis (12, ...).  Everything is
computed in float64.  These are the functions the baseline pipeline
(numpy_run.py) and the worked-example test (test_worked_example.py) share.
"""
import numpy as np

FPAR_MIN = 0.001
FPAR_MAX = 0.95
ALPHA = 0.5


def _sr(x):
    return (1.0 + x) / (1.0 - x)


def fpar(ndvi, ndvi_min, ndvi_max):
    """FPAR from NDVI: mean of the NDVI- and SR-based linear scalings, clamped."""
    n = np.clip(ndvi, ndvi_min, ndvi_max)
    f_ndvi = (n - ndvi_min) / (ndvi_max - ndvi_min) * (FPAR_MAX - FPAR_MIN) + FPAR_MIN
    sr_min = _sr(ndvi_min)
    sr_max = _sr(ndvi_max)
    f_sr = (_sr(n) - sr_min) / (sr_max - sr_min) * (FPAR_MAX - FPAR_MIN) + FPAR_MIN
    return np.clip(ALPHA * f_ndvi + (1.0 - ALPHA) * f_sr, FPAR_MIN, FPAR_MAX)


def apar(sol, fpar_m):
    return sol * fpar_m * 0.5


def t_opt(ndvi_stack, t_stack):
    """Temperature of the month with the largest NDVI (first month on ties)."""
    idx = np.argmax(ndvi_stack, axis=0)  # argmax returns the first maximum
    return np.take_along_axis(t_stack, idx[np.newaxis, ...], axis=0)[0]


def t_eps1_base(topt):
    return 0.8 + 0.02 * topt - 0.0005 * topt * topt


def t_eps1(topt, t_m, base=None):
    te1 = t_eps1_base(topt) if base is None else base
    return np.where(t_m <= -10.0, 0.0, te1)


def _g(topt, t):
    return 1.184 / ((1.0 + np.exp(0.2 * (topt - 10.0 - t))) *
                    (1.0 + np.exp(0.3 * (-topt - 10.0 + t))))


def t_eps2_half(topt):
    return _g(topt, topt) / 2.0


def t_eps2(topt, t_m, half=None):
    if half is None:
        half = t_eps2_half(topt)
    out = np.where((t_m > topt + 10.0) | (t_m < topt - 13.0), half, _g(topt, t_m))
    return out


def heat_index(t_stack):
    """Thornthwaite annual heat index I = sum over T_m > 0 of (T_m/5)^1.514."""
    tp = np.maximum(t_stack, 0.0)
    return np.sum(np.where(t_stack > 0.0, (tp / 5.0) ** 1.514, 0.0), axis=0)


def thornthwaite_a(i):
    return 6.75e-7 * i ** 3 - 7.71e-5 * i ** 2 + 1.792e-2 * i + 0.49239


def ep(t_m, i, a):
    """Thornthwaite potential evapotranspiration of one month (mm)."""
    ok = (t_m > 0.0) & (i > 0.0)
    safe_i = np.where(i > 0.0, i, 1.0)
    base = np.where(ok, 10.0 * t_m / safe_i, 0.0)
    return np.where(ok, 16.0 * base ** a, 0.0)


def eet(ep_m, p_m):
    """Zhou & Zhang regional estimated actual evapotranspiration."""
    ok = (ep_m > 0.0) & (p_m > 0.0)
    e = np.where(ok, ep_m, 1.0)
    p = np.where(ok, p_m, 1.0)
    rn = np.sqrt(e * p) * (0.369 + 0.598 * np.sqrt(e / p))
    v = p * rn * (p * p + rn * rn + p * rn) / ((p + rn) * (p * p + rn * rn))
    return np.where(ok, v, 0.0)


def w_eps(eet_m, ep_m):
    pet = (eet_m + ep_m) / 2.0
    safe = np.where(pet == 0.0, 1.0, pet)
    return np.where(pet == 0.0, 1.0, 0.5 + 0.5 * np.minimum(1.0, eet_m / safe))


def rh_pei2009(t_m, p_m):
    return 0.22 * (np.exp(0.0912 * t_m) + np.log(0.3145 * p_m + 1.0)) * 30.0 * 0.465


def rh_q10(t_m, r_ref=1.0, q10=2.0, t_ref=10.0):
    return r_ref * 30.0 * np.power(q10, (t_m - t_ref) / 10.0)


def casa(ndvi, t, p, sol, eps_max, ndvi_min, ndvi_max, monthly=False):
    """Annual CASA NPP (gC/m2/yr) from (12, ...) stacks.

    Works month by month so only a few (...)-shaped temporaries are alive at once.
    With monthly=True also returns a dict of the monthly terms (for tests).
    """
    topt = t_opt(ndvi, t)
    i = heat_index(t)
    a = thornthwaite_a(i)
    te1_base = t_eps1_base(topt)  # month-independent parts, computed once
    half = t_eps2_half(topt)
    npp = np.zeros(np.shape(t)[1:], dtype=np.float64)
    terms = {k: [] for k in ("fpar", "apar", "te1", "te2", "ep", "eet", "weps", "npp")}
    for m in range(12):
        f = fpar(ndvi[m], ndvi_min, ndvi_max)
        ap = apar(sol[m], f)
        te1 = t_eps1(topt, t[m], te1_base)
        te2 = t_eps2(topt, t[m], half)
        e = ep(t[m], i, a)
        ee = eet(e, p[m])
        we = w_eps(ee, e)
        nm = ap * te1 * te2 * we * eps_max
        npp += nm
        if monthly:
            for k, v in zip(terms, (f, ap, te1, te2, e, ee, we, nm)):
                terms[k].append(v)
    if monthly:
        return npp, {k: np.array(v) for k, v in terms.items()}
    return npp


def rh_annual(t, p, model="pei2009", r_ref=1.0, q10=2.0, t_ref=10.0):
    out = np.zeros(np.shape(t)[1:], dtype=np.float64)
    for m in range(12):
        if model == "pei2009":
            out += rh_pei2009(t[m], p[m])
        elif model == "q10":
            out += rh_q10(t[m], r_ref, q10, t_ref)
        else:
            raise ValueError(f"unknown rh model {model!r}")
    return out


def carbon_stock(h, agb_a, agb_b, root_shoot, c_above, c_below, c_soil, c_dead, cf):
    """AGB (Mg/ha) and C_total (Mg C/ha).  h may be NaN (no valid canopy height);
    agb_a/agb_b NaN when the class has no allometry."""
    use_lidar = np.isfinite(h) & np.isfinite(agb_a) & np.isfinite(agb_b)
    hh = np.clip(np.where(use_lidar, h, 0.0), 0.0, 100.0)
    a = np.where(use_lidar, agb_a, 0.0)
    b = np.where(use_lidar, agb_b, 1.0)
    agb_l = a * hh ** b
    ca_l = agb_l * cf
    cb_l = ca_l * root_shoot
    agb = np.where(use_lidar, agb_l, c_above / cf)
    ca = np.where(use_lidar, ca_l, c_above)
    cb = np.where(use_lidar, cb_l, c_below)
    return agb, ca + cb + c_soil + c_dead
