"""The NCI EVS tab-delimited reader: a small hand-written release file and malformed ones."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cdisc_dm.errors import StandardsError
from cdisc_dm.standards import load_ct, read_evs

FIXTURE = Path(__file__).parent / "fixtures" / "SDTM Terminology 2025-09-26.txt"
HEADER = FIXTURE.read_text(encoding="utf-8").splitlines()[0]


def test_reads_codelists_terms_synonyms_and_extensibility():
    ct = read_evs(FIXTURE)
    assert ct.codelist_names() == ["ACN", "NY", "UNIT"]
    ny = ct.codelist("NY")
    assert (ny.code, ny.name, ny.extensible) == ("C66742", "No Yes Response", False)
    assert ny.values == ["N", "Y", "U"]  # file order kept
    unknown = ny.term("U")
    assert unknown.code == "C17998" and unknown.decode == "Unknown"
    assert unknown.synonyms == ("U", "UNK", "Unknown")  # "; "-separated in the file
    assert ct.codelist("UNIT").extensible is True
    assert ct.codelist("C71620").short_name == "UNIT"  # lookup by NCI code too


def test_version_comes_from_the_release_date_in_the_file_name():
    assert read_evs(FIXTURE).versions == {"SDTM Terminology": "2025-09-26"}


def test_load_ct_with_a_path_reads_the_evs_file_instead_of_the_shipped_subset():
    ct = load_ct(FIXTURE)
    assert "SEX" not in ct and ct.codelist("ACN").term("DOSE INCREASED").code == "C49503"


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "bad.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_missing_column_names_file_and_line_1(tmp_path):
    path = _write(tmp_path, ["Code\tCodelist Code\tCDISC Submission Value", "C1\t\tX"])
    with pytest.raises(StandardsError) as exc:
        read_evs(path)
    assert f"{path}:1" in str(exc.value) and "Codelist Extensible (Yes/No)" in str(exc.value)


def test_short_row_names_file_and_line(tmp_path):
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[3] = "\t".join(lines[3].split("\t")[:5])  # line 4 of the file loses three fields
    path = _write(tmp_path, lines)
    with pytest.raises(StandardsError) as exc:
        read_evs(path)
    assert f"{path}:4" in str(exc.value) and "found 5" in str(exc.value)


def test_bad_code_and_bad_extensible_flag_name_their_line(tmp_path):
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("C49487", "49487", 1)
    with pytest.raises(StandardsError, match=r"bad\.txt:3: Code '49487' is not an NCI C-code"):
        read_evs(_write(tmp_path, lines))
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("\tNo\t", "\tMaybe\t", 1)
    with pytest.raises(StandardsError, match=r"bad\.txt:2: .*Yes or No, got 'Maybe'"):
        read_evs(_write(tmp_path, lines))


def test_terms_without_a_codelist_header_are_an_error(tmp_path):
    lines = [HEADER] + FIXTURE.read_text(encoding="utf-8").splitlines()[2:4]  # NY terms, no NY header
    with pytest.raises(StandardsError, match=r"bad\.txt:2: terms refer to codelist C66742, which has no header row"):
        read_evs(_write(tmp_path, lines))


def test_reads_the_published_adam_ct_csv_like_an_independent_parse(ct_reference, reference_dir):
    """The reader agrees with pandas on every codelist of the ADaM CT 2025-09-26 file."""
    path = reference_dir / "ct-2025-09-26" / "ADaM_CT_2025-09-26.csv"
    ct = read_evs(path)
    ref = ct_reference[ct_reference["Standard and Date"] == "ADaM CT 2025-09-26"]
    headers = ref[ref["Codelist Code"] == ""]
    assert sorted(ct.codelist_names()) == sorted(headers["CDISC Submission Value"])
    for _, h in headers.iterrows():
        cl = ct.codelist(h["CDISC Submission Value"])
        terms = ref[ref["Codelist Code"] == h["Code"]]
        assert cl.code == h["Code"] and cl.extensible == (h["Codelist Extensible (Yes/No)"] == "Yes")
        assert [(t.value, t.code) for t in cl.terms] == list(zip(terms["CDISC Submission Value"], terms["Code"]))
    assert ct.versions == {"ADaM CT": "2025-09-26"}


def test_load_ct_caches_per_path(tmp_path):
    copy = tmp_path / "SDTM Terminology 2025-09-26.txt"
    shutil.copy(FIXTURE, copy)
    assert load_ct(copy) is load_ct(str(copy))
    assert load_ct(copy) is not load_ct(FIXTURE)


def test_compare_ct_lists_every_disagreement_with_a_release(tmp_path):
    from cdisc_dm.standards import compare_ct

    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("C49488", "C99999", 1)  # Y gets another code in this "release"
    path = tmp_path / "SDTM Terminology 2025-09-26.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    diffs = compare_ct(load_ct(), read_evs(path))
    assert "NY (C66742): term 'Y' is C49488 here, C99999 in the release" in diffs
    assert "NY (C66742): term 'NA' is not in the release" in diffs  # the fixture has no NA row
    assert "SEX (C66731): not in the release" in diffs
    # ACN's only term in the fixture agrees, so the other ACN lines are about missing terms only
    assert [d for d in diffs if d.startswith("ACN") and "not in the release" not in d] == []
    assert not any(d.startswith("UNIT") and "'IU'" in d for d in diffs)  # IU agrees


def test_a_folder_of_releases_loads_as_one_terminology(tmp_path, reference_dir):
    for name in ("ADaM_CT_2025-09-26.csv", "Define-XML_CT_2025-09-26.csv"):
        shutil.copy(reference_dir / "ct-2025-09-26" / name, tmp_path / name)
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    ct = load_ct(tmp_path)
    assert ct.versions == {"ADaM CT": "2025-09-26", "Define-XML CT": "2025-09-26", "SDTM Terminology": "2025-09-26"}
    assert {"DTYPE", "ORIGINT", "NY"} <= set(ct.codelist_names())


def test_the_same_short_name_with_two_codes_is_refused(tmp_path):
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    (tmp_path / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = [lines[0], lines[1].replace("C66742", "C1", 1)]
    (tmp_path / "b.txt").write_text("\n".join(other) + "\n", encoding="utf-8")
    with pytest.raises(StandardsError, match="codelist NY is C66742 in .*a.txt but C1 in .*b.txt"):
        load_ct(tmp_path)
