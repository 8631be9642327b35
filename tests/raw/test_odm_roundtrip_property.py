"""Property: any text an EDC can export survives CSV -> ODM 1.3.2 -> RawTable unchanged."""
from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _raw_export import SYSTEM
from cdisc_dm.errors import OutputError
from cdisc_dm.raw import read_raw, write_odm

# XML 1.0 §2.2 allows tab, LF, CR and everything from U+0020 except surrogates, U+FFFE, U+FFFF.
_XML_CHARS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff",
)
_VALUE = st.one_of(st.text(_XML_CHARS, max_size=10), st.sampled_from(["", "NA", "a&b<c>\"d'", " x ", "\r\n", "中文"]))


def _write(root: Path, rows: list[list[str]]) -> None:
    (root / "edc").mkdir(parents=True)
    header = SYSTEM + ["F1", "F2"]
    with open(root / "edc" / "QS.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i, (a, b) in enumerate(rows, start=1):
            w.writerow(["P1", "01", f"01-{i:04d}", "W04", "1", "Week 4", "Questionnaire", "1", "1", a, b])
    cols = [{"name": c, "label": c, "type": "text", "format": None, "system": c in SYSTEM, "values": None} for c in header]
    dictionary = {"study": "P1", "forms": [{"form": "QS", "file": "edc/QS.csv", "label": "Q", "source": "EDC", "columns": cols}]}
    (root / "data_dictionary.json").write_text(json.dumps(dictionary), encoding="utf-8")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_VALUE, _VALUE), min_size=1, max_size=6))
def test_values_round_trip_through_odm(rows):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, [list(r) for r in rows])
        write_odm(root, root / "odm" / "ODM.xml")
        flat, odm = read_raw(root)["QS"], read_raw(root, prefer="odm")["QS"]
    pd.testing.assert_frame_equal(flat.data, odm.data, check_exact=True)
    expected = [None if v == "" else v for r in rows for v in r]
    got = [None if pd.isna(v) else v for v in odm.data[["F1", "F2"]].to_numpy().ravel()]
    assert got == expected


def test_control_character_cannot_be_written(tmp_path):
    _write(tmp_path, [["bell\x07", "ok"]])
    with pytest.raises(OutputError, match="control character") as err:
        write_odm(tmp_path, tmp_path / "odm" / "ODM.xml")
    assert err.value.location.variable == "F1" and err.value.location.row == 1
