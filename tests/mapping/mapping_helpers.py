"""Helpers of the mapping tests (a uniquely named module: tests/ folders have no __init__)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cdisc_dm.mapping.context import FILE_COLUMN, ROW_COLUMN, Context
from cdisc_dm.report import Report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SECOND = FIXTURES / "second_study"


def make_ctx(frame: dict | pd.DataFrame, *, rows: list[int] | None = None, **kwargs) -> Context:
    """A Context over a small record frame, with raw rows 1..n of file raw.csv unless given."""
    frame = pd.DataFrame(frame)
    frame[ROW_COLUMN] = rows or list(range(1, len(frame) + 1))
    frame[FILE_COLUMN] = "raw.csv"
    kwargs.setdefault("dataset", "XX")
    kwargs.setdefault("spec_file", "spec.yaml")
    kwargs.setdefault("report", Report())
    return Context(frame=frame, **kwargs)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based line number of the first line containing ``needle`` (computed from the file, not assumed)."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")
