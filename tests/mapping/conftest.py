"""Shared fixtures of the mapping tests: the second study, copied so tests may break it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapping_helpers import SECOND


@pytest.fixture
def second_study(tmp_path: Path) -> Path:
    """A private copy of the second study (specs, study.yaml, raw/), safe to modify."""
    dest = tmp_path / "second_study"
    shutil.copytree(SECOND, dest)
    return dest
