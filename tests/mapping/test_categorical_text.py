"""Melted test attributes stay categorical through the engine; nothing a consumer sees changes.

QS has millions of records whose test code, name, category and unit repeat a few hundred values.
The engine keeps them as codes (stacking, copying, sorting) and turns them into text only for a
caller that wants the dataset in memory. These tests compare each shortcut with the plain text
route, computed independently (``clean_text`` on the text, ``DataFrame.duplicated``, ...).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.mapping import engine, load_plan, run_plan
from cdisc_dm.mapping.algorithms._text import clean_categories, clean_text, is_text_category, plain_text
from cdisc_dm.raw import read_raw
from cdisc_dm.study import load_study
from cdisc_dm.synth import synthesize

RAW = [" MMT01", "MMT01 ", None, "   ", "mmt02", "HAQ0201", "MMT01", ""]


@pytest.mark.parametrize("upper", [False, True])
def test_clean_categories_is_clean_text_kept_as_codes(upper):
    values = pd.Series(pd.array(RAW, dtype="str")).astype("category")
    got = clean_categories(values, upper=upper)
    expected = clean_text(pd.Series(pd.array(RAW, dtype="str")))
    if upper:
        expected = expected.str.upper()
    assert is_text_category(got.dtype)
    # categories are the distinct cleaned texts, sorted, so sorting by codes sorts as the text would
    assert list(got.cat.categories) == sorted(set(expected.dropna()))
    pd.testing.assert_series_equal(got.astype("str"), expected, check_names=False)


def test_plain_text_turns_only_text_categoricals_into_text():
    frame = pd.DataFrame({"T": pd.Series(["B", "A", None]).astype("category"), "N": [1.0, 2.0, 3.0],
                          "C": pd.Series([1, 2, 1]).astype("category")})
    out = plain_text(frame)
    assert out["T"].dtype == "str" and out["T"].tolist()[:2] == ["B", "A"] and pd.isna(out["T"].iloc[2])
    assert isinstance(out["C"].dtype, pd.CategoricalDtype)  # numbers as categories: not text
    assert out["N"].tolist() == [1.0, 2.0, 3.0]


def test_stacked_melts_keep_one_set_of_categories():
    a = pd.DataFrame({"test.CD": pd.Series(["X", "Y"], dtype="str").astype("category")})
    b = pd.DataFrame({"test.CD": pd.Series(["W", "X"], dtype="str").astype("category")})
    stacked = pd.concat(engine._shared_categories([a, b]), ignore_index=True)
    assert list(stacked["test.CD"].cat.categories) == ["W", "X", "Y"]
    assert stacked["test.CD"].tolist() == ["X", "Y", "W", "X"]


def test_exact_duplicates_are_found_as_dataframe_duplicated_finds_them():
    data = pd.DataFrame({
        "A": pd.array(["1", "1", None, None, "1", "2"], dtype="str"),
        "B": pd.array(["x", "x", "y", "y", "x", None], dtype="str"),
    })

    class Table:
        pass

    table = Table()
    table.data = data
    dup, group = engine._exact_duplicates(table, {})
    assert dup.tolist() == data.duplicated(keep="first").tolist() == [False, True, False, True, True, False]
    # rows of one group share its number (the group of a repeated row names the row it repeats)
    assert group[1] == group[0] == group[4] and group[3] == group[2] and len(set(group[[0, 2, 5]])) == 3


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw") / "raw"
    synthesize(folder, subjects=12, seed=3)
    return folder


def test_datasets_handed_on_carry_codes_and_consumers_get_text(export):
    plain = run_plan(load_plan("il2dm"), read_raw(export), load_study("il2dm"))
    seen = {}

    def keep(ds):
        seen[ds.name] = {c for c in ds.data.columns if is_text_category(ds.data[c].dtype)}
        return engine.with_plain_text(ds)

    handed = run_plan(load_plan("il2dm"), read_raw(export), load_study("il2dm"), on_dataset=keep)
    assert {"QSTESTCD", "QSTEST", "QSCAT"} <= seen["QS"]
    for ds in plain.package:
        assert not any(is_text_category(ds.data[c].dtype) for c in ds.data.columns), ds.name
        pd.testing.assert_frame_equal(ds.data, handed.package[ds.name].data, check_exact=True)
        assert ds.variables == handed.package[ds.name].variables
    qs = plain.package["QS"].data
    # sorted by the spec's keys as text: the codes' order did not change the record order
    keys = ["USUBJID", "QSCAT", "QSTESTCD", "VISITNUM"]
    assert np.array_equal(qs[keys].sort_values(keys, kind="mergesort").index.to_numpy(), np.arange(len(qs)))
