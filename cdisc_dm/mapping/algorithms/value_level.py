"""Value-level metadata (Define-XML 2.1 ValueListDef/WhereClauseDef) for Findings results.

A Findings result variable holds different kinds of values per test: CK is a float in U/L, HBSAG
a text. Define-XML describes each with a value-level item where ``--TESTCD = X``. The mapping
engine has no spec key for value-level metadata yet, so this module derives it from the mapped
dataset after the conversion and attaches it to ``Variable.value_level``:

* ``--ORRES``  per test: data type (integer/float when every result is a number, else text),
  the collected unit when there is one, origin Collected;
* ``--STRESC`` per test: text, origin Derived;
* ``--STRESN`` per numeric test: float (integer when every value is whole), the standard unit,
  significant digits seen, origin Derived.

Example::

    package = lb_value_level(result.package)              # LB, MB and CP when present
    package["LB"].variable("LBSTRESN").value_level[0]     # ValueLevel(where={'LBTESTCD': ('ALDOLASE',)}, ...)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...dataset import Dataset, Package, ValueLevel
from ._text import distinct_rows

__all__ = ["value_level", "attach_value_level", "lb_value_level"]

# numbers as written in a result: optional sign, digits, optional decimals (censored '<x' is text)
_NUM = r"[-+]?\d+(?:\.\d+)?"


def _decimals(text: pd.Series) -> int:
    frac = text.str.extract(r"\.(\d+)$")[0]
    return int(frac.str.len().max()) if frac.notna().any() else 0


def value_level(ds: Dataset) -> dict[str, tuple[ValueLevel, ...]]:
    """Value-level items of ``ds``'s result variables, keyed by variable name, one per test code."""
    d = ds.domain or ds.name[:2]
    testcd, orres, orresu, stresc, stresn, stresu = (f"{d}{s}" for s in ("TESTCD", "ORRES", "ORRESU", "STRESC", "STRESN", "STRESU"))
    data = ds.data
    if testcd not in data or orres not in data:
        return {}
    out: dict[str, list[ValueLevel]] = {orres: [], stresc: [], stresn: []}
    # every figure below (types, maximum length and decimals, units, any number) is the same over the
    # distinct rows as over all rows: a 10,000-subject QS has 4.7M records but a few thousand distinct
    # ones, found on the columns' codes before any text is built
    _, first = distinct_rows(*(data[c] for c in (testcd, orres, orresu, stresc, stresn, stresu) if c in data))
    data = data.iloc[np.sort(first)]
    frame = pd.DataFrame({"t": data[testcd].astype("str"), "r": data[orres].astype("str").str.strip()})
    frame["u"] = data[orresu].astype("str") if orresu in data else pd.NA
    frame["c"] = data[stresc].astype("str") if stresc in data else pd.NA
    frame["n"] = pd.to_numeric(data[stresn], errors="coerce") if stresn in data else np.nan
    frame["su"] = data[stresu].astype("str") if stresu in data else pd.NA
    frame = frame[frame["t"].notna()].drop_duplicates(ignore_index=True)
    for code, grp in frame.groupby("t", sort=True):
        where = {testcd: (str(code),)}
        res = grp["r"].dropna()
        res = res[res != ""]
        is_num = res.str.fullmatch(_NUM)
        numeric_test = grp["n"].notna().any()
        if len(res) and is_num.all():
            rtype = "integer" if _decimals(res) == 0 else "float"
        else:
            rtype = "text"
        units = sorted(grp["u"].dropna().unique())
        out[orres].append(ValueLevel(where=where, type=rtype, length=int(res.str.len().max()) if len(res) else None,
                                     unit=units[0] if len(units) == 1 else None, origin="Collected",
                                     comment=None if len(units) <= 1 else f"collected in {', '.join(units)}"))
        if stresc in data:
            c = grp["c"].dropna()
            out[stresc].append(ValueLevel(where=where, type="text", length=int(c.str.len().max()) if len(c) else None, origin="Derived"))
        if stresn in data and numeric_test:
            sunits = sorted(grp["su"].dropna().unique())
            c = grp["c"].dropna()
            digits = _decimals(c[c.str.fullmatch(_NUM)]) if len(c) else 0
            # whole numbers only (creatinine clearance in mL/min) are integer for Define-XML
            out[stresn].append(ValueLevel(where=where, type="float" if digits else "integer", significant_digits=digits or None,
                                          unit=sunits[0] if len(sunits) == 1 else None, origin="Derived"))
    return {k: tuple(v) for k, v in out.items() if v}


def attach_value_level(ds: Dataset) -> Dataset:
    """``ds`` with value-level metadata set on its result variables (a new Dataset; data shared)."""
    vlm = value_level(ds)
    variables = [v.with_(value_level=vlm[v.name]) if v.name in vlm else v for v in ds.variables]
    return Dataset(ds.name, ds.label, ds.data, variables, klass=ds.klass, structure=ds.structure, keys=list(ds.keys),
                   domain=ds.domain, parent=ds.parent, standard=ds.standard, comment=ds.comment)


def lb_value_level(package: Package, domains: tuple[str, ...] = ("LB", "MB", "CP")) -> Package:
    """The package with value-level metadata on the lab result variables of LB, MB and CP."""
    for name in domains:
        if name in package:
            package.add(attach_value_level(package[name]))
    return package
