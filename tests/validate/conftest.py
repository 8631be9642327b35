"""Shared fixtures: the CORE rules corpus in ../shared (skip when absent) and small packages."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORE_RULES = SHARED / "core-rules"


@pytest.fixture(scope="session")
def core_rules() -> Path:
    if not CORE_RULES.is_dir():
        pytest.skip("../shared/core-rules is not available")
    return CORE_RULES.resolve()
