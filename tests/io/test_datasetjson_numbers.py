"""Dataset-JSON number tokens: the Arrow route gives json.dumps's own text for every value.

The reference is json.dumps of the Python numbers (the standard library), value by value.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from cdisc_dm.io import datasetjson

pytestmark = pytest.mark.skipif(datasetjson._PA is None, reason="pyarrow not installed: only the plain route exists")


def _reference(values: np.ndarray, integral: bool) -> list[str]:
    out = []
    for v in values.tolist():
        out.append("null" if v != v else json.dumps(int(v) if integral else v))
    return out


def test_float_tokens_equal_json_dumps():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(size=2000) * 1e3, rng.integers(-5, 5, 300).astype(float),
                             [np.nan, 1e300, 1e-300, 0.1, 1 / 3, 123456789012.5, 2.0**53, 5e-324]])
    rng.shuffle(values)
    tokens = datasetjson._number_tokens(values, False)
    assert list(tokens.to_pylist()) == _reference(values, False)


def test_integer_tokens_equal_json_dumps():
    values = np.array([0.0, -1.0, 7.0, np.nan, 2.0**53, -(2.0**53), 120.0])
    assert list(datasetjson._number_tokens(values, True).to_pylist()) == _reference(values, True)


def test_negative_zero_keeps_its_sign():
    values = np.array([-0.0, 0.0, 1.5])
    tokens = datasetjson._number_tokens(values, False)
    assert list(tokens) == ["-0.0", "0.0", "1.5"]
