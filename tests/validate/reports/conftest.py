"""Fixtures for the report tests; the results themselves are built in report_fixtures.py."""
from __future__ import annotations

import pytest
import report_fixtures

from cdisc_dm.validate.results import ValidationResult


@pytest.fixture
def realistic_result() -> ValidationResult:
    return report_fixtures.realistic()


@pytest.fixture
def empty_result() -> ValidationResult:
    return report_fixtures.empty()
