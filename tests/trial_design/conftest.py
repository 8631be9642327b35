"""Shared fixture of the trial-design tests: one synthetic export of ~40 subjects, converted once.

The conversion takes ~10 s, so it is made once per test session (per xdist worker) and shared;
tests must not modify it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from cdisc_dm.convert import ConvertResult, convert
from cdisc_dm.raw import read_raw
from cdisc_dm.study import Study, load_study
from cdisc_dm.synth import synthesize

SUBJECTS = 40
SEED = 11


@dataclass
class Converted:
    raw_dir: Path
    result: ConvertResult
    study: Study

    def data(self, name: str) -> pd.DataFrame:
        return self.result.package[name].data

    def raw(self, form: str) -> pd.DataFrame:
        """The raw form as delivered (every column text), with its 1-based raw row number."""
        table = read_raw(self.raw_dir)[form]
        return table.data.assign(_row=table.rows)


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    raw_dir = tmp_path_factory.mktemp("trial_design") / "raw"
    synthesize(raw_dir, subjects=SUBJECTS, seed=SEED)
    return Converted(raw_dir, convert(raw_dir, "il2dm"), load_study("il2dm"))
