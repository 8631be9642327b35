"""`cdisc-dm define`: a written package (XPT + metadata.json) back to the same define.xml."""
from __future__ import annotations

import json

import pytest

from cdisc_dm.cli import main
from cdisc_dm.io import write_package
from cdisc_dm.io.define import build_define, dump_package_metadata, load_package_metadata, write_define
from cdisc_dm.io.define_check import validate_define_xsd
from cdisc_dm.study import load_study

from define_fixtures import CREATED, make_package


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pkg") / "sdtm"
    package = make_package()
    write_package(package, folder, formats=("xpt",), creation_datetime=CREATED)
    dump_package_metadata(package, folder / "metadata.json", created=CREATED)
    return package, folder


def test_metadata_sidecar_round_trips(written):
    package, folder = written
    loaded, extras = load_package_metadata(folder / "metadata.json")
    assert extras["created"] == CREATED.isoformat()
    for ds in package:
        other = loaded[ds.name]
        assert other.variables == ds.variables
        assert (other.label, other.klass, other.structure, other.keys, other.standard) == \
            (ds.label, ds.klass, ds.structure, ds.keys, ds.standard)


def test_cli_rebuilds_the_define_of_the_conversion(written, ct, study_folder, tmp_path, capsys):
    package, folder = written
    out = tmp_path / "define.xml"
    assert main(["define", "--package", str(folder), "--study", str(study_folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "schema: valid" in printed and "0 error(s)" in printed
    assert validate_define_xsd(out) == []
    assert out.with_suffix(".html").is_file()
    # the same define the conversion's own metadata gives, read back through XPT and metadata.json
    expected = write_define(build_define(package, study=load_study(study_folder), ct=ct, created=CREATED), tmp_path / "api.xml")
    assert out.read_bytes() == expected.read_bytes()


def test_cli_json_summary(written, study_folder, tmp_path, capsys):
    _, folder = written
    out = tmp_path / "d.xml"
    assert main(["define", "--package", str(folder), "--study", str(study_folder), "--out", str(out), "--no-html", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["datasets"] == 6 and summary["xsd_problems"] == [] and summary["errors"] == 0
    assert not out.with_suffix(".html").exists()


def test_cli_bad_input_exits_2(study_folder, tmp_path, capsys):
    assert main(["define", "--package", str(tmp_path / "nowhere"), "--study", str(study_folder)]) == 2
    assert "package folder not found" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["define", "--package", str(empty), "--study", str(study_folder)]) == 2


def test_cli_rejects_a_malformed_dictionary_option(written, study_folder, tmp_path, capsys):
    _, folder = written
    assert main(["define", "--package", str(folder), "--study", str(study_folder), "--out", str(tmp_path / "d.xml"),
                 "--dictionary", "MedDRA"]) == 2
    assert "NAME=VERSION" in capsys.readouterr().err
