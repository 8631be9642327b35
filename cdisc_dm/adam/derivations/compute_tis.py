"""2016 ACR/EULAR Total Improvement Score (TIS) for adult dermatomyositis/polymyositis.

Source of the point table: Aggarwal R, Rider LG, Ruperto N, et al. "2016 American College of
Rheumatology/European League Against Rheumatism criteria for minimal, moderate, and major clinical
response in adult dermatomyositis and polymyositis". Ann Rheum Dis 2017;76:792-801 (Table 3 of the
companion methods paper: Rider LG et al., Rheumatology 2017;56:1884-1893), and the NIEHS/IMACS
response-criteria calculator. The TIS is the sum of the points of six core set measures (CSM), each
scored from the *absolute percent change from baseline* in its improving direction:

=========================  ======  =========  ==========  ==========  ======
improvement (%)            <=5     >5-15      >15-25      >25-40      >40
(MMT-8 only)               <=2     >2-10      >10-20      >20-30      >30
=========================  ======  =========  ==========  ==========  ======
Physician global activity  0       7.5        15          17.5        20
Patient global activity    0       2.5        5           7.5         10
Manual muscle testing      0       10         20          27.5        32.5
HAQ disability index       0       5          7.5         7.5         10
Muscle enzyme (most abn.)  0       2.5        5           7.5         7.5
Extramuscular activity     0       7.5        12.5        15          20
=========================  ======  =========  ==========  ==========  ======

Interval semantics (the publication's ">5-15%"): a bucket includes its upper bound and excludes its
lower bound, so 5.0% scores 0 and 15.0% scores the ">5-15%" points. Worsening (negative improvement)
scores 0: nothing is subtracted. Improvement is an *increase* for MMT-8 and a *decrease* for every
other measure. Percent changes are rounded to 10 decimals before bucketing so that values such as
15.000000000000002 (floating-point noise from (b - a) / b * 100) fall in the bucket the exact
arithmetic gives.

Adult categories (Aggarwal 2017): minimal improvement TIS >= 20, moderate >= 40, major >= 60.

Sponsor decisions (documented in docs/adam.md):
- a measure whose baseline is 0 cannot improve (a VAS of 0 is "inactive"; a HAQ of 0 is "no
  disability"): its percent change is undefined and it scores 0 points;
- the TIS is missing when any of the six components is missing (no imputation of points); the
  number of available components is reported next to it so a statistician can apply another rule.

Example::

    >>> import numpy as np
    >>> compute_tis_points("PHYSICIAN_GLOBAL", np.array([5.0, 5.1, 40.0, 40.1]))
    array([ 0. ,  7.5, 17.5, 20. ])
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .assert_data import DerivationError

__all__ = [
    "TIS_MEASURES",
    "TIS_POINTS",
    "compute_improvement_pct",
    "compute_tis_points",
    "compute_tis",
    "compute_tis_category",
]

#: the six core set measures, in the publication's order, with the direction of improvement
TIS_MEASURES: dict[str, str] = {
    "PHYSICIAN_GLOBAL": "decrease",
    "PATIENT_GLOBAL": "decrease",
    "MMT8": "increase",
    "HAQ": "decrease",
    "ENZYME": "decrease",
    "EXTRAMUSCULAR": "decrease",
}

_BOUNDS_DEFAULT = (5.0, 15.0, 25.0, 40.0)
_BOUNDS_MMT = (2.0, 10.0, 20.0, 30.0)

#: points per bucket (<=b1, b1-b2, b2-b3, b3-b4, >b4) and the bucket bounds, per measure
TIS_POINTS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "PHYSICIAN_GLOBAL": (_BOUNDS_DEFAULT, (0.0, 7.5, 15.0, 17.5, 20.0)),
    "PATIENT_GLOBAL": (_BOUNDS_DEFAULT, (0.0, 2.5, 5.0, 7.5, 10.0)),
    "MMT8": (_BOUNDS_MMT, (0.0, 10.0, 20.0, 27.5, 32.5)),
    "HAQ": (_BOUNDS_DEFAULT, (0.0, 5.0, 7.5, 7.5, 10.0)),
    "ENZYME": (_BOUNDS_DEFAULT, (0.0, 2.5, 5.0, 7.5, 7.5)),
    "EXTRAMUSCULAR": (_BOUNDS_DEFAULT, (0.0, 7.5, 12.5, 15.0, 20.0)),
}

_CATEGORIES = (("MAJOR", 60.0), ("MODERATE", 40.0), ("MINIMAL", 20.0))


def _check_measure(measure: str) -> None:
    if measure not in TIS_POINTS:
        raise DerivationError(f"unknown TIS measure {measure!r}; expected one of {', '.join(TIS_POINTS)}")


def compute_improvement_pct(base, aval, measure: str) -> np.ndarray:
    """Percent improvement from baseline in the measure's improving direction.

    Positive is better: for MMT-8 ``(aval - base) / base * 100``, for the others
    ``(base - aval) / base * 100``. NaN where either value is missing or the baseline is 0.

    >>> compute_improvement_pct([10.0], [8.0], "PHYSICIAN_GLOBAL")
    array([20.])
    """
    _check_measure(measure)
    b = np.asarray(base, dtype="float64")
    a = np.asarray(aval, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (a - b) if TIS_MEASURES[measure] == "increase" else (b - a)
        pct = np.where(b != 0, change / np.abs(b) * 100.0, np.nan)
    return pct


def compute_tis_points(measure: str, improvement_pct) -> np.ndarray:
    """Points of one core set measure from its percent improvement (NaN stays NaN).

    A zero-baseline measure has a NaN percent change: pass ``zero_baseline`` handling through
    :func:`compute_tis`, which scores it 0.
    """
    _check_measure(measure)
    bounds, points = TIS_POINTS[measure]
    pct = np.round(np.asarray(improvement_pct, dtype="float64"), 10)
    # np.searchsorted with side="left" puts x == bound in the lower bucket: (b_i, b_i+1] semantics.
    idx = np.searchsorted(np.asarray(bounds), pct, side="left")
    out = np.asarray(points)[np.clip(idx, 0, len(points) - 1)]
    return np.where(np.isnan(pct), np.nan, out)


def compute_tis(base: pd.DataFrame, aval: pd.DataFrame) -> pd.DataFrame:
    """Total Improvement Score for aligned rows of baseline and post-baseline values.

    ``base`` and ``aval`` have one column per measure in :data:`TIS_MEASURES` (same index). Returns a
    frame with ``<MEASURE>_PCT`` (percent improvement), ``<MEASURE>_PTS`` (points), ``TIS`` (missing
    when any component is missing), ``TISN`` (components available) and ``TISCAT``.
    """
    missing = [m for m in TIS_MEASURES if m not in base.columns or m not in aval.columns]
    if missing:
        raise DerivationError(f"compute_tis: columns {missing} missing from base/aval; expected all of {list(TIS_MEASURES)}")
    if not base.index.equals(aval.index):
        raise DerivationError("compute_tis: base and aval must have the same index (one row per subject and visit)")
    out = pd.DataFrame(index=base.index)
    points = []
    for measure in TIS_MEASURES:  # six measures: a loop over columns, not rows
        b = base[measure].to_numpy(dtype="float64", na_value=np.nan)
        a = aval[measure].to_numpy(dtype="float64", na_value=np.nan)
        pct = compute_improvement_pct(b, a, measure)
        pts = compute_tis_points(measure, pct)
        zero_base = (b == 0) & ~np.isnan(a)
        pts = np.where(zero_base, 0.0, pts)
        out[f"{measure}_PCT"] = pct
        out[f"{measure}_PTS"] = pts
        points.append(pts)
    stacked = np.vstack(points)
    available = (~np.isnan(stacked)).sum(axis=0)
    total = np.where(available == len(TIS_MEASURES), np.nansum(stacked, axis=0), np.nan)
    out["TIS"] = total
    out["TISN"] = available
    out["TISCAT"] = compute_tis_category(total).to_numpy()
    return out


def compute_tis_category(tis) -> pd.Series:
    """NONE / MINIMAL (>=20) / MODERATE (>=40) / MAJOR (>=60); missing TIS stays missing."""
    t = np.round(np.asarray(tis, dtype="float64"), 10)
    conds = [t >= thr for _, thr in _CATEGORIES]
    labels = [name for name, _ in _CATEGORIES]
    cat = np.select(conds, labels, default="NONE").astype(object)
    cat[np.isnan(t)] = None
    return pd.Series(cat, dtype="object")


compute_improvement_pct.method = (
    "Percent improvement = (AVAL - BASE) / BASE x 100 for MMT-8 and (BASE - AVAL) / BASE x 100 for the other "
    "core set measures; missing when BASE is 0 or a value is missing."
)
compute_tis_points.method = (
    "Points per core set measure from the 2016 ACR/EULAR table (Aggarwal 2017): buckets <=5, >5-15, >15-25, "
    ">25-40, >40 % (MMT-8: <=2, >2-10, >10-20, >20-30, >30 %), upper bound inclusive; worsening scores 0."
)
compute_tis.method = (
    "TIS = sum of the 2016 ACR/EULAR points of the six core set measures; a zero baseline scores 0; missing when "
    "any component is missing."
)
compute_tis_category.method = "TIS category: MAJOR >= 60, MODERATE >= 40, MINIMAL >= 20, else NONE (adult thresholds)."
