"""``--odm``: the ODM file holds the same EDC tables as the CSVs (read back by cdisc_dm.raw)."""
from __future__ import annotations

import pytest

from cdisc_dm.synth import synthesize

pytest.importorskip("cdisc_dm.raw.odm_write")


def test_odm_round_trip_equals_csv(tmp_path):
    from cdisc_dm.raw import read_raw

    out = tmp_path / "raw"
    summary = synthesize(out, subjects=16, seed=5, odm=True)
    assert "odm/ODM.xml" in summary.files
    csv = read_raw(out / "edc")
    odm = read_raw(out / "odm" / "ODM.xml")
    assert sorted(csv.tables) == sorted(odm.tables)
    for name in csv.tables:
        a, b = csv[name].data, odm[name].data
        assert list(a.columns) == list(b.columns), name
        assert a.fillna("").astype(str).equals(b.fillna("").astype(str)), name
