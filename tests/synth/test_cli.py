"""``cdisc-dm synth``: bad input exits 2 with one line; a good run writes the export."""
from __future__ import annotations

import json

import pytest

from cdisc_dm.cli import main


def run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv", [
    ["synth", "--out", "{tmp}/x", "--subjects", "0"],
    ["synth", "--out", "{tmp}/x", "--subjects", "many"],
    ["synth", "--out", "{tmp}/x", "--seed", "-1"],
    ["synth", "--out", "{tmp}/x", "--frobnicate"],
    ["synth", "--out", "{tmp}/afile/x"],
    ["synth"],
])
def test_bad_input_exits_2_with_one_line(argv, tmp_path, capsys):
    (tmp_path / "afile").write_text("a regular file, not a folder")
    code, out, err = run([a.replace("{tmp}", str(tmp_path)) for a in argv], capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "error" in err
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_json_summary_and_files(tmp_path, capsys):
    code, out, err = run(["synth", "--out", str(tmp_path / "raw"), "--subjects", "12", "--seed", "3", "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["randomized"] == 12 and summary["screened"] >= 12
    assert sum(summary["by_arm"].values()) == 12
    for rel in summary["files"]:
        assert (tmp_path / "raw" / rel).is_file()


def test_quiet_prints_nothing(tmp_path, capsys):
    code, out, err = run(["synth", "--out", str(tmp_path / "raw"), "--subjects", "4", "--quiet"], capsys)
    assert code == 0 and out == "" and err == ""
