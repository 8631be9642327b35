"""The shipped CT subset and a study's sponsor extensions."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.errors import StandardsError
from cdisc_dm.resources import study_dir
from cdisc_dm.standards import load_ct, load_sdtmig

CT = load_ct()


def test_codelists_the_project_needs_are_shipped():
    needed = (
        "SEX RACE ETHNIC AGEU COUNTRY NY ROUTE FRM FREQ UNIT EPOCH AESEV OUT ACN NCOMPLT DSCAT ND ARMNRS "
        "TSPARMCD TSPARM TBLIND TCNTRL TPHASE STYPE INTMODEL INTTYPE TTYPE SEXPOP LBTESTCD LBTEST MBTESTCD "
        "SPECTYPE VSTESTCD NRIND DTYPE DATEFL TIMEFL PARAMTYP ORIGINT"
    ).split()
    assert [n for n in needed if n not in CT] == []


def test_codelist_codes_match_the_codes_the_sdtmig_gives_its_variables():
    """SDTMIG 3.4 names each variable's codelist by C-code; our short names must resolve to it."""
    ig = load_sdtmig()
    uses = {
        ("DM", "SEX"): "C66731", ("DM", "RACE"): "C74457", ("DM", "ETHNIC"): "C66790", ("DM", "AGEU"): "C66781",
        ("DM", "ARMNRS"): "C142179", ("AE", "AESEV"): "C66769", ("AE", "AEOUT"): "C66768", ("AE", "AEACN"): "C66767",
        ("EX", "EXROUTE"): "C66729", ("EX", "EXDOSFRM"): "C66726", ("EX", "EXDOSFRQ"): "C71113", ("EX", "EXDOSU"): "C71620",
        ("LB", "LBTESTCD"): "C65047", ("LB", "LBNRIND"): "C78736", ("LB", "LBSPEC"): "C78734", ("DS", "DSCAT"): "C74558",
        ("TS", "TSPARMCD"): "C66738", ("LB", "EPOCH"): "C99079", ("LB", "LBSTAT"): "C66789", ("MB", "MBTESTCD"): "C120527",
    }
    for (domain, var), code in uses.items():
        short = ig.domain(domain).variable(var).codelist
        assert CT.codelist(short).code == code, f"{domain}.{var}"


def test_lookup_by_short_name_and_by_code_and_extensibility():
    assert CT.codelist("C66742") is CT.codelist("NY")
    assert CT.codelist("NY").extensible is False and CT.codelist("UNIT").extensible is True
    assert CT.codelist("ACN").term("DRUG WITHDRAWN").code == "C49502"


def test_unknown_codelist_suggests_close_names():
    with pytest.raises(StandardsError, match="unknown codelist 'SEXX'.*did you mean SEX"):
        CT.codelist("SEXX")


def test_codelist_referenced_but_not_shipped_explains_how_to_get_it():
    with pytest.raises(StandardsError, match="SPECCOND .C78733. is referenced"):
        CT.codelist("SPECCOND")


def test_every_term_without_a_code_is_marked_unverified():
    for cl in CT.codelists.values():
        for term in cl.terms:
            assert term.code is not None or term.unverified, f"{cl.short_name}: {term.value}"


def test_normalize_maps_collected_text_to_submission_values_vectorized():
    raw = pd.Series(["female", " M ", "Unknown", "x", None])
    assert CT.codelist("SEX").normalize(raw).tolist() == ["F", "M", "U", pd.NA, pd.NA]
    # pg/mL is a synonym of ng/L in the UNIT codelist, not a submission value
    assert CT.codelist("UNIT").normalize(pd.Series(["pg/mL"])).tolist() == ["ng/L"]


def test_study_extension_adds_sponsor_codelists_extended_terms_and_synonyms():
    ct = load_ct(extra=study_dir("il2dm") / "ct")
    mmt = ct.codelist("MMT8TC")
    assert mmt.sponsor and mmt.code is None and len(mmt.terms) == 16  # neck once + 7 groups x 2 sides + total
    added = ct.codelist("QSCAT").term("MMT-8")
    assert added.extended and not ct.codelist("QSCAT").term("HAQ-DI WITH VAS").extended
    assert ct.codelist("SEX").normalize(pd.Series(["女", "男"])).tolist() == ["F", "M"]
    assert "Sponsor" in ct.versions and "MMT8TC" not in CT  # the base subset is untouched


def _extension(tmp_path, body: str):
    path = tmp_path / "ct.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_adding_terms_to_a_non_extensible_codelist_is_refused(tmp_path):
    path = _extension(tmp_path, "codelists:\n  - extends: SEX\n    terms:\n      - {value: X}\n")
    with pytest.raises(StandardsError, match=r"ct\.yaml:2:5: .*SEX \(C66731\) is not extensible"):
        load_ct(extra=path)


def test_new_sponsor_codelist_must_not_shadow_a_cdisc_one(tmp_path):
    path = _extension(tmp_path, "codelists:\n  - short_name: NY\n    sponsor: true\n    name: x\n    extensible: false\n    terms: []\n")
    with pytest.raises(StandardsError, match="NY already exists"):
        load_ct(extra=path)


def test_cdisc_term_without_code_must_say_unverified(tmp_path):
    bad = tmp_path / "ct"
    bad.mkdir()
    (bad / "x.yaml").write_text(
        "package: SDTM CT\nversion: '1'\ncodelists:\n  - short_name: AA\n    code: C1\n    name: A\n"
        "    extensible: false\n    terms:\n      - {value: A1}\n",
        encoding="utf-8",
    )
    with pytest.raises(StandardsError, match=r"x\.yaml:9:9: .*A1: a CDISC term needs its NCI code"):
        load_ct(bad)


def test_docs_list_every_unverified_code():
    """docs/standards.md must name each unconfirmed term, so none is silently invented."""
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "standards.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in docs.splitlines() if line.startswith("| ")}
    for cl in CT.codelists.values():
        unverified = [t for t in cl.terms if t.unverified]
        if not unverified and not cl.unverified:
            continue
        assert cl.short_name in rows, cl.short_name
        for t in unverified:
            assert f"{t.value} = {t.code or 'none'}" in rows[cl.short_name], (cl.short_name, t.value)
