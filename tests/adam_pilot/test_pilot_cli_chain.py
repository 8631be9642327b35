"""The CDISC pilot through the command line, as a programmer with the pilot's XPT files would run it:
`cdisc-dm derive` with our pilot ADaM specs, then `cdisc-dm define`, then `cdisc-dm validate`.

The pilot has no study.yaml here (only ADaM specs), so the define takes STUDYID from the data, and the
validator recognises an ADaM package by its dataset names. The SDTM XPT files are written by pyreadstat
(not by our writer), so the derive step also reads files no code of ours produced.
"""
from __future__ import annotations

import json

import pytest

from cdisc_dm.adam.spec import load_adam_plan
from cdisc_dm.cli import main
from cdisc_dm.io.define_check import validate_define_xsd

from pilot_compare import pilot_sdtm

pyreadstat = pytest.importorskip("pyreadstat")


@pytest.fixture(scope="module")
def pilot_xpt(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pilot_sdtm")
    wanted = load_adam_plan("cdiscpilot01").referenced()
    for name, frame in pilot_sdtm().items():
        if name not in wanted:
            continue
        frame = frame.copy()
        for col in frame.columns:
            if frame[col].dtype.kind not in "fiu":
                frame[col] = frame[col].astype(object).where(frame[col].notna(), "")
        pyreadstat.write_xport(frame, str(folder / f"{name.lower()}.xpt"), table_name=name, file_format_version=5)
    return folder


def _json_out(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_derive_define_validate_chain(pilot_xpt, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["derive", "--sdtm", str(pilot_xpt), "--study", "cdiscpilot01", "--out", str(out), "--quiet"]) == 0
    adam = out / "adam"
    assert {p.name for p in adam.glob("*.xpt")} == {"adsl.xpt", "adae.xpt", "advs.xpt", "adlbc.xpt", "adlbh.xpt"}
    assert (adam / "metadata.json").is_file()  # what `define` reads: labels, origins, methods from the specs
    capsys.readouterr()

    assert main(["define", "--package", str(adam), "--study", "cdiscpilot01", "--json"]) == 0
    define = _json_out(capsys)
    assert define["xsd_problems"] == [] and define["errors"] == 0 and define["datasets"] == 5
    assert validate_define_xsd(adam / "define.xml") == []  # independently of the command's own summary
    text = (adam / "define.xml").read_text(encoding="utf-8")
    assert 'OID="IG.ADSL"' in text and "CDISCPILOT01" in text
    # the method of a derived variable comes from the derivation that ran (derive_var_trtdurd)
    assert "end date - start date + 1" in text

    code = main(["validate", str(adam), "--define", str(adam / "define.xml"), "--json"])
    result = _json_out(capsys)
    assert result["standard"] == "ADaMIG 1.3"
    assert code == 0, result
