"""Shared exports for the synth tests: generated once per session, read back as raw text."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdisc_dm.synth import synthesize

N_SUBJECTS = 240
SEED = 7


def read(folder: Path, rel: str) -> pd.DataFrame:
    """A raw CSV exactly as delivered: every cell text, empty cells as ''."""
    return pd.read_csv(folder / rel, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")


@pytest.fixture(scope="session")
def export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "raw"
    synthesize(out, subjects=N_SUBJECTS, seed=SEED)
    return out


@pytest.fixture(scope="session")
def tables(export) -> dict[str, pd.DataFrame]:
    names = ["IC", "DM", "IE", "RAND", "SV", "EX", "AE", "CM", "DS", "MMT8", "HAQ", "VAS"]
    out = {n: read(export, f"edc/{n}.csv") for n in names}
    out["LAB"] = read(export, "lab/LAB.csv")
    return out


@pytest.fixture(scope="session")
def big_tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """600 randomized subjects: enough screen failures (about 150) that every data-linked criterion occurs."""
    out = tmp_path_factory.mktemp("synth_big") / "raw"
    synthesize(out, subjects=600, seed=11)
    names = ["DM", "IE", "RAND", "SV", "CM", "MMT8", "HAQ", "VAS"]
    tabs = {n: read(out, f"edc/{n}.csv") for n in names}
    tabs["LAB"] = read(out, "lab/LAB.csv")
    return tabs
