"""The engine's memory-saving routes change nothing in the results.

Three routes keep large domains (QS: millions of melted records) small in memory: the records'
``keep`` runs on each stacked part before stacking, raw and test columns leave the working frame
after the last step that reads them, and ``release_raw`` empties each raw table after its last
reader. Each is switched off here and the full il2dm mapping of a small synthetic export is
compared with the plain route: every dataset, the lineage and the dropped records must be equal.
"""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.mapping import engine, load_plan, run_plan
from cdisc_dm.raw import read_raw
from cdisc_dm.study import load_study
from cdisc_dm.synth import synthesize


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw") / "raw"
    synthesize(folder, subjects=12, seed=5)
    return folder


def _run(export, **kwargs):
    return run_plan(load_plan("il2dm"), read_raw(export), load_study("il2dm"), **kwargs)


def _assert_same(a, b):
    assert [ds.name for ds in a.package] == [ds.name for ds in b.package]
    for ds in a.package:
        pd.testing.assert_frame_equal(ds.data, b.package[ds.name].data, check_exact=True)
    pd.testing.assert_frame_equal(a.lineage, b.lineage, check_exact=True)
    pd.testing.assert_frame_equal(a.dropped, b.dropped, check_exact=True)
    assert a.used == b.used and a.forms_in == b.forms_in


@pytest.fixture(scope="module")
def fast(export):
    return _run(export)


def test_plain_route_gives_the_same_results(export, fast, monkeypatch):
    monkeypatch.setattr(engine, "_keep_per_part", lambda spec, raw_cols: False)
    monkeypatch.setattr(engine, "_last_uses", lambda spec, early: None)
    plain = _run(export)
    _assert_same(fast, plain)
    # the QS spec does take the per-part route (the test would prove nothing otherwise)
    monkeypatch.undo()
    qs = next(s for s in load_plan("il2dm").specs if s.dataset == "QS")
    raw = read_raw(export)
    cols = {a: list(raw[qs.sources[a].form].data.columns) for a in qs.records.sources}
    assert engine._keep_per_part(qs, cols)


def test_release_raw_empties_tables_and_changes_no_result(export, fast):
    raw = read_raw(export)
    sizes = {name: len(t.data) for name, t in raw.tables.items()}
    released = run_plan(load_plan("il2dm"), raw, load_study("il2dm"), release_raw=True)
    _assert_same(fast, released)
    read = {src.form.upper() for s in load_plan("il2dm").specs for src in s.sources.values()}
    assert all(len(raw.tables[f].data) == 0 for f in read if f in raw.tables)
    # the record counts of the reconciliation come from before the release
    assert {f: n for f, (_, n) in released.forms_in.items()} == sizes


def test_take_rows_equals_iloc_take():
    import numpy as np

    frame = pd.DataFrame({"A": pd.Series(["x", "y", None, "z"], dtype="str"), "B": [1.0, np.nan, 3.0, 4.0],
                          "C": [4, 3, 2, 1], "D": pd.Categorical(["p", "q", "p", None])})
    order = np.array([3, 1, 0, 2])
    out = engine._take_rows(frame, order)
    pd.testing.assert_frame_equal(out, frame.iloc[order].reset_index(drop=True), check_exact=True)
    assert out["A"].tolist()[:2] == ["z", "y"]  # written out: rows 3 and 1 first
