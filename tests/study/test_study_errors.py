"""Bad study definitions fail with SpecError naming the file and the exact line; edits change TV."""
from __future__ import annotations

from pathlib import Path

import pytest

from cdisc_dm.errors import SpecError, UsageError
from cdisc_dm.resources import study_dir
from cdisc_dm.sdtm.trial_design import build_tv
from cdisc_dm.study import load_study

BUILTIN = (study_dir("il2dm") / "study.yaml").read_text(encoding="utf-8")


def _write(tmp_path: Path, old: str, new: str, *, count: int = 1) -> tuple[Path, str]:
    assert BUILTIN.count(old) == count, f"fixture text {old!r} must occur {count} time(s) in the built-in study"
    text = BUILTIN.replace(old, new, 1)
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _line_of(text: str, marker: str) -> int:
    """1-based line of the first line containing ``marker`` (computed from the edited text)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in the edited file")


CASES = [
    pytest.param("elements: [SCRN, IL2BL, IL2OL, FU]", "elements: [SCRN, IL2BLX, IL2OL, FU]", "IL2BLX",
                 ["unknown element 'IL2BLX'", "did you mean 'IL2BL'"], id="arm-unknown-element"),
    pytest.param("visit: WEEK 4, folder: W04, epoch: BLINDED TREATMENT, day: 29, window_before: 3, window_after: 3}",
                 "visit: WEEK 4, folder: W04, epoch: BLINDED TREATMENT, day: 29, window_before: 3, window_after: 22}",
                 "visit: WEEK 8", ["overlaps", "WEEK 4", "WEEK 8"], id="overlapping-visit-windows"),
    pytest.param("code: EX06", "code: EXCLUDE6X", "EXCLUDE6X",
                 ["'EXCLUDE6X' is 9 characters", "at most 8"], id="criterion-code-too-long"),
    pytest.param("  studyid: IL2DM-PKU-301", "  studyidd: IL2DM-PKU-301", "studyidd",
                 ["unknown key 'studyidd'", "did you mean 'studyid'"], id="unknown-key-suggestion"),
    pytest.param("  short_title: Interleukin-2 on Active Dermatomyositis",
                 "  short_title: Interleukin-2 on Active Dermatomyositis\n  title: Again", "  title: Again",
                 ["duplicate key 'title'"], id="duplicate-key"),
    pytest.param("folder: FU, epoch: FOLLOW-UP,", "folder: FU, epoch: FOLLOWUP,", "folder: FU, epoch: FOLLOWUP",
                 ["epoch 'FOLLOWUP' is not declared", "did you mean 'FOLLOW-UP'"], id="visit-epoch-unknown"),
    pytest.param("{visitnum: 10, visit: FOLLOW-UP", "{visitnum: 9, visit: FOLLOW-UP", "visitnum: 9, visit: FOLLOW-UP",
                 ["duplicate visit number '9.0'"], id="duplicate-visitnum"),
    pytest.param("text: Hemoglobin < 80 g/L", "text: Hemoglobin " + "x" * 200, "text: Hemoglobin xxx",
                 ["IETEST allows at most 200"], id="criterion-text-too-long"),
    pytest.param("{parmcd: TCNTRL,", "{parmcd: TCNTRLL,", "parmcd: TCNTRLL",
                 ["unknown trial summary parameter 'TCNTRLL'", "did you mean 'TCNTRL'"], id="ts-unknown-parameter"),
    pytest.param("{parmcd: DOSE, value: \"1\"}", "{parmcd: PLANSUB, value: \"200\"}", "parmcd: PLANSUB",
                 ["filled from the study facts"], id="ts-derived-parameter-repeated"),
    pytest.param("    duration: P12W\n    ex_category: OPEN LABEL",
                 "    duration: 12 weeks\n    ex_category: OPEN LABEL",
                 "duration: 12 weeks", ["ISO 8601 duration"], id="element-duration-not-iso"),
    pytest.param("folder: W16, epoch: OPEN LABEL TREATMENT,", "folder: W16, epoch: SCREENING,",
                 "folder: W16, epoch: SCREENING",
                 ["comes before the epoch 'BLINDED TREATMENT' of the earlier visit WEEK 12"],
                 id="visit-epoch-out-of-order"),
    pytest.param("{visitnum: 2, visit: DAY 1, folder: D1, epoch: SCREENING, day: 1,",
                 "{visitnum: 2, visit: DAY 1, folder: D1, epoch: SCREENING, day: 0,", "visit: DAY 1",
                 ["day 0 does not exist"], id="visit-day-zero"),
]


@pytest.mark.parametrize("old, new, marker, fragments", CASES)
def test_bad_definition_names_file_and_line(tmp_path, old, new, marker, fragments):
    path, text = _write(tmp_path, old, new)
    with pytest.raises(SpecError) as info:
        load_study(path)
    err = info.value
    message = str(err)
    for fragment in fragments:
        assert fragment in message, message
    assert err.location is not None and Path(err.location.file) == path.resolve()
    assert err.location.line == _line_of(text, marker), message
    assert message.startswith(f"{path.resolve()}:{err.location.line}:"), message


def test_missing_required_key_is_named(tmp_path):
    path, text = _write(tmp_path, "  planned_subjects: 240\n", "")
    with pytest.raises(SpecError, match="missing the required key 'planned_subjects'") as info:
        load_study(path)
    assert info.value.location.line == _line_of(text, "study:")


def test_arm_branch_on_element_outside_the_arm(tmp_path):
    path, text = _write(tmp_path, "branch: {SCRN: Randomized to placebo}", "branch: {PBOBLX: Randomized to placebo}")
    with pytest.raises(SpecError, match="branch names element 'PBOBLX'") as info:
        load_study(path)
    assert info.value.location.line == _line_of(text, "PBOBLX")


def test_editing_a_visit_changes_tv_without_code_change(tmp_path):
    before = build_tv(load_study("il2dm")).data
    old = "    - {visitnum: 7, visit: WEEK 16, folder: W16, epoch: OPEN LABEL TREATMENT, day: 113,"
    new = ("    - {visitnum: 6.5, visit: WEEK 14, folder: W14, epoch: OPEN LABEL TREATMENT, day: 99, window_before: 3,"
           " window_after: 3}\n"
           "    - {visitnum: 7, visit: WEEK 16, folder: W16, epoch: OPEN LABEL TREATMENT, day: 112,")
    path, _ = _write(tmp_path, old, new)
    after = build_tv(load_study(path)).data
    assert len(after) == len(before) + 1
    week14 = after[after["VISIT"] == "WEEK 14"].iloc[0]
    assert (week14["VISITNUM"], week14["VISITDY"]) == (6.5, 99)
    assert "window Study Day 96 to 102" in week14["TVSTRL"]
    week16 = after[after["VISIT"] == "WEEK 16"].iloc[0]
    assert week16["VISITDY"] == 112 and "Study Day 112" in week16["TVSTRL"]
    assert list(after["VISITNUM"]) == sorted(after["VISITNUM"])


def test_missing_file_and_unknown_study(tmp_path):
    missing = tmp_path / "study.yaml"
    with pytest.raises(SpecError, match="study definition not found") as info:
        load_study(missing)
    assert Path(info.value.location.file) == missing.resolve()
    with pytest.raises(UsageError, match="unknown study 'no-such-study'"):
        load_study("no-such-study")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SpecError, match="not found"):
        load_study(tmp_path / "empty")
