"""The runnable examples in the raw readers' docstrings stay true."""
from __future__ import annotations

import doctest

import pytest

import cdisc_dm.raw.csv_reader
import cdisc_dm.raw.odm_layout
import cdisc_dm.raw.text_values
import cdisc_dm.raw.xlsx


@pytest.mark.parametrize(
    "module",
    [cdisc_dm.raw.csv_reader, cdisc_dm.raw.text_values, cdisc_dm.raw.xlsx, cdisc_dm.raw.odm_layout],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
