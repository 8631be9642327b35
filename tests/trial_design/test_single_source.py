"""The study definition is the single source of the visit schedule: edit study.yaml, not code.

A protocol amendment is simulated on a private copy of the study folder (mappings/il2dm): a
WEEK 6 visit is added (folder W06, day 43) and the later visits are renumbered (WEEK 8 becomes
visit 6, ..., FOLLOW-UP visit 11). The same raw export is converted again with the copy; TV and
the VISITNUM of every record from WEEK 8 on must follow, with no code change.
"""
from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.convert import convert
from cdisc_dm.resources import mappings_dir
from cdisc_dm.study import load_study

W06 = "    - {visitnum: 5, visit: WEEK 6, folder: W06, epoch: BLINDED TREATMENT, day: 43, window_before: 3, window_after: 3}\n"


def _amend(text: str) -> str:
    """Renumber planned visits 5.. to 6.. and add WEEK 6 as visit 5 (on the YAML text)."""
    def bump(m: re.Match) -> str:
        n = int(m.group(2))
        return f"{m.group(1)}{n + 1 if n >= 5 else n}{m.group(3)}"

    out = re.sub(r"(?m)^(    - \{visitnum: )(\d+)(, visit: )", bump, text)
    anchor = re.search(r"(?m)^    - \{visitnum: 4, visit: WEEK 4,.*\n", out)
    assert anchor, "the WEEK 4 visit line was not found in study.yaml"
    return out[:anchor.end()] + W06 + out[anchor.end():]


@pytest.fixture(scope="module")
def amended(converted, tmp_path_factory):
    folder = tmp_path_factory.mktemp("amended") / "il2dm"
    shutil.copytree(mappings_dir() / "il2dm", folder)
    path = folder / "study.yaml"
    path.write_text(_amend(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder, convert(converted.raw_dir, folder)


def _renumber(old: float) -> float:
    """The amendment's VISITNUM for a planned visit's old VISITNUM."""
    return old + 1 if old >= 5 else old


def test_tv_follows_the_amended_schedule(converted, amended):
    folder, result = amended
    old_tv = converted.data("TV").drop_duplicates("VISITNUM")
    new_tv = result.package["TV"].data.drop_duplicates("VISITNUM")
    assert len(new_tv) == len(old_tv) + 1
    week6 = new_tv[new_tv["VISIT"] == "WEEK 6"]
    assert week6["VISITNUM"].tolist() == [5] and week6["VISITDY"].tolist() == [43]
    moved = old_tv.assign(VISITNUM=old_tv["VISITNUM"].map(_renumber))
    merged = moved.merge(new_tv, on="VISIT", suffixes=("_old", "_new"))
    assert len(merged) == len(old_tv)
    assert (merged["VISITNUM_old"] == merged["VISITNUM_new"]).all() and (merged["VISITDY_old"] == merged["VISITDY_new"]).all()
    assert load_study(folder).visit_by_folder("W06").visitnum == 5


def test_sv_visit_numbers_follow_the_amended_schedule(converted, amended):
    folder, result = amended
    study = load_study(folder)
    old, new = converted.data("SV"), result.package["SV"].data
    lin_old = converted.result.lineage.query("dataset == 'SV'").sort_values("record")
    lin_new = result.lineage.query("dataset == 'SV'").sort_values("record")
    o = old.assign(_row=lin_old["row"].to_numpy()).set_index("_row")
    n = new.assign(_row=lin_new["row"].to_numpy()).set_index("_row").loc[o.index]
    raw = converted.raw("SV").set_index("_row").loc[o.index]
    planned = raw["Folder"].str.strip().str.upper() != "UNS"
    expected = raw.loc[planned, "Folder"].map(lambda f: study.visit_by_folder(f.strip()).visitnum).astype(float)
    assert (n.loc[planned, "VISITNUM"] == expected).all()
    changed = o["VISITNUM"] != n["VISITNUM"]
    assert changed.sum() > 0 and (o.loc[planned & changed, "VISITNUM"] >= 5).all()
    # unscheduled visits after WEEK 8 move with their planned visit: 5.01 -> 6.01
    uns = ~planned & (o["VISITNUM"] >= 5)
    assert np.allclose(n.loc[uns, "VISITNUM"], o.loc[uns, "VISITNUM"] + 1)
    assert (n.loc[uns, "VISIT"] == [f"UNSCHEDULED {v:.2f}" for v in n.loc[uns, "VISITNUM"]]).all()


@pytest.mark.parametrize("name", ["QS", "LB"])
def test_findings_visit_numbers_follow_the_amended_schedule(converted, amended, name):
    _, result = amended
    key = [f"{name}TESTCD"]
    old = converted.data(name).assign(_row=converted.result.lineage.query("dataset == @name").sort_values("record")["row"].to_numpy())
    new = result.package[name].data.assign(_row=result.lineage.query("dataset == @name").sort_values("record")["row"].to_numpy())
    both = old.merge(new, on=["_row", *key], suffixes=("_old", "_new"), validate="one_to_one")
    assert len(both) == len(old) == len(new)
    planned = both["VISITNUM_old"] == both["VISITNUM_old"].round()
    assert (both.loc[planned, "VISITNUM_new"] == both.loc[planned, "VISITNUM_old"].map(_renumber)).all()
    assert (both.loc[planned, "VISITNUM_old"] >= 5).any(), f"{name}: no record from WEEK 8 on to check"
