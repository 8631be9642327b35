"""Shared fixtures: the ../shared reference tables (test oracles), skipped when absent."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
REFERENCE = SHARED / "reference"


def reference_csv(relative: str) -> pd.DataFrame:
    path = REFERENCE / relative
    if not path.is_file():
        pytest.skip(f"reference table {relative} not available (../shared absent)")
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference not available")
    return REFERENCE


@pytest.fixture(scope="session")
def sdtmig_reference() -> pd.DataFrame:
    return reference_csv("sdtmig-3.4/Variables.csv")


@pytest.fixture(scope="session")
def sdtmig_datasets_reference() -> pd.DataFrame:
    return reference_csv("sdtmig-3.4/Datasets.csv")


@pytest.fixture(scope="session")
def adamig_reference() -> pd.DataFrame:
    return reference_csv("adamig-1.3/Variables.csv")


@pytest.fixture(scope="session")
def ct_reference() -> pd.DataFrame:
    frames = [
        reference_csv("ct-2025-09-26/ADaM_CT_2025-09-26.csv"),
        reference_csv("ct-2025-09-26/Define-XML_CT_2025-09-26.csv"),
    ]
    return pd.concat(frames, ignore_index=True)
