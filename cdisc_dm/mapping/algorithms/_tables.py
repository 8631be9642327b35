"""Tables kept as data that algorithms read: per-study CSVs next to a spec, unit factors.

A study table (``lb_tests.csv``) is found next to the spec that names it; the unit conversion
factors, being facts of measurement rather than study decisions, ship in
``specs/units/factors.csv`` (located through :func:`cdisc_dm.resources.specs_dir`).

Example::

    rows = study_table("mappings/il2dm/sdtm/lb.yaml", "lb_tests.csv")   # DataFrame of text
    factors = unit_factors()                                            # analyte, from_unit, to_unit, factor, source
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import Location, SpecError
from ...resources import mappings_dir, specs_dir

__all__ = ["study_table", "unit_factors", "norm_unit", "map_distinct", "FACTORS_FILE"]

FACTORS_FILE = "units/factors.csv"


def _resolve(spec_file: str, name: str) -> Path:
    path = Path(name)
    if path.is_absolute():
        return path
    spec = Path(spec_file)
    for base in (spec.parent, mappings_dir().parent / spec.parent, Path.cwd() / spec.parent):
        if (base / path).is_file():
            return base / path
    return spec.parent / path


@lru_cache(maxsize=64)
def _read(path: str, mtime: float) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    return frame.apply(lambda s: s.str.strip()).replace("", pd.NA)


def study_table(spec_file: str, name: str) -> pd.DataFrame:
    """The CSV ``name`` next to ``spec_file``, every cell text (blank = missing); SpecError if absent."""
    path = _resolve(spec_file, name)
    if not path.is_file():
        raise SpecError(f"table '{name}' not found next to the spec (looked for {path})", Location(spec_file))
    return _read(str(path), path.stat().st_mtime).copy()


def unit_factors(name: str = FACTORS_FILE) -> pd.DataFrame:
    """Unit conversion factors: analyte (blank = any analyte), from_unit, to_unit, factor (float), source."""
    path = specs_dir() / name if not Path(name).is_absolute() else Path(name)
    if not path.is_file():
        raise SpecError(f"unit factor table not found: {path}", Location(str(path)))
    frame = _read(str(path), path.stat().st_mtime).copy()
    missing = {"analyte", "from_unit", "to_unit", "factor", "source"} - set(frame.columns)
    if missing:
        raise SpecError(f"unit factor table lacks columns {sorted(missing)}", Location(str(path), line=1))
    factor = pd.to_numeric(frame["factor"], errors="coerce")
    bad = factor.isna() | (factor <= 0) | frame["source"].isna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise SpecError(f"unit factor row needs a positive factor and a source, got {frame.iloc[i].to_dict()}",
                        Location(str(path), line=i + 2, variable="factor"))
    frame["factor"] = factor.astype("float64")
    return frame


def norm_unit(values: pd.Series) -> pd.Series:
    """Units compared without case, blanks or the micro sign variant (µ/μ written as u)."""
    text = values.astype("str").str.strip()
    text = text.str.replace("\u00b5", "u", regex=False).str.replace("\u03bc", "u", regex=False).str.replace(r"\s+", "", regex=True)
    return text.str.upper().mask(text == "")


def map_distinct(values: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value, spread back with an array take (text result).

    Like ``_text.per_distinct`` but keeps pandas' Arrow-backed strings throughout, which is
    several times faster on millions of lab records than going through Python objects.

    >>> map_distinct(pd.Series(["neg", None, "neg"]), lambda u: u.str.upper()).tolist()
    ['NEG', nan, 'NEG']
    """
    values = pd.Series(values)
    codes, uniques = pd.factorize(values if values.dtype != object else values.astype("str"), use_na_sentinel=True)
    has = codes >= 0
    if not len(uniques):
        return pd.Series(pd.NA, index=values.index, dtype="str")
    mapped = fn(pd.Series(np.asarray(uniques, dtype=object), dtype="str")).astype("str").reset_index(drop=True)
    out = mapped.take(np.where(has, codes, 0))
    out.index = values.index
    return out.where(has) if not has.all() else out
