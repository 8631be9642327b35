"""Shared fixtures of the LB tests: one synthetic 60-subject export, converted once."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

synth = pytest.importorskip("cdisc_dm.synth")


@pytest.fixture(scope="session")
def lab_export(tmp_path_factory) -> Path:
    """The synthetic IL-2 export (60 subjects, seed 7); treat as read-only."""
    raw = tmp_path_factory.mktemp("lbraw") / "raw"
    synth.synthesize(raw, subjects=60, seed=7)
    return raw


@pytest.fixture(scope="session")
def converted(lab_export):
    from cdisc_dm.convert import convert

    return convert(lab_export, "il2dm")


@pytest.fixture(scope="session")
def raw_lab(lab_export) -> pd.DataFrame:
    """LAB.csv read independently of the product's readers (every cell text, blank = '')."""
    return pd.read_csv(lab_export / "lab" / "LAB.csv", dtype=str, keep_default_na=False)
