"""The ledger writer (cdisc_dm.lineage._csv) writes exactly the bytes pandas' to_csv writes.

lineage.csv and dropped.csv have millions of rows for a large study; the fast route renders each
distinct text once and lets Arrow join the fields. The reference is pandas' own writer on the
same frame (an independent implementation: the csv module row by row).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm import lineage


@pytest.fixture
def small_chunks(monkeypatch):
    # several chunks and the fast route even for a few thousand rows
    monkeypatch.setattr(lineage, "_CHUNK", 1000)


def _frame(n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    # values the csv module must quote (comma, quote, line breaks) and values it must not
    texts = np.array(["AE", "b,c", 'he said "x"', "line\nbreak", "cr\rx", "", " lead", "ünï", "tab\tx"], dtype=object)
    frame = pd.DataFrame({
        "dataset": pd.Series(texts[rng.integers(0, len(texts), n)], dtype="str"),
        "record": np.arange(1, n + 1),
        "form": pd.Categorical(texts[rng.integers(0, len(texts), n)]),
        "detail": pd.Series(texts[rng.integers(0, len(texts), n)], dtype=object),
        "row": rng.integers(-10**12, 10**12, n),
    })
    frame.loc[rng.random(n) < 0.1, "dataset"] = pd.NA
    frame.loc[rng.random(n) < 0.1, "detail"] = None
    frame.loc[rng.random(n) < 0.1, "form"] = np.nan
    return frame


def test_fast_route_writes_the_bytes_pandas_writes(tmp_path, small_chunks):
    frame = _frame()
    lineage._csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_a_float_column_goes_to_pandas_and_gives_the_same_bytes(tmp_path, small_chunks):
    frame = _frame().assign(value=np.linspace(0, 1, 5000))
    frame.loc[3, "value"] = np.nan
    lineage._csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_written_ledger_reads_back_to_the_same_values(tmp_path, small_chunks):
    import csv

    # (a lone carriage return is written unquoted by the csv module, as pandas writes it too,
    # and would not read back: left out here)
    frame = _frame().drop(columns="form")
    frame = frame.replace({"cr\rx": "crx"})
    lineage._csv(frame, tmp_path / "fast.csv")
    with open(tmp_path / "fast.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(frame.columns)
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(1, 5001)]
    # quoted fields with commas, doubled quotes and line breaks come back as they were
    assert [r[0] for r in rows[1:]] == frame["dataset"].fillna("").astype(str).tolist()


def test_rows_in_sort_order_equal_sort_values_then_to_csv(tmp_path, small_chunks):
    frame = _frame()
    frame.loc[::17, "dataset"] = pd.NA  # missing sort keys go last, as sort_values puts them
    keys = ["dataset", "form", "row"]
    lineage._csv(frame, tmp_path / "fast.csv", order=lineage._sort_positions(frame, keys))
    frame.sort_values(keys, kind="mergesort").to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
