"""The shipped SDTM CT subset: its `unverified` flags, the list in docs/standards.md, and the terms the
IL-2 study actually uses.

What was checked against NCI EVS files (and what could not be) is recorded in docs/standards.md,
"Unverified codes". These tests keep that record and the flags in specs/ct/sdtm.yaml in step, check the
structural rules a CT subset must keep (a CDISC term without a code is flagged; one NCI concept, one
preferred term; paired test code / test name codelists share their codes), and list the terms the IL-2
study uses that are still unconfirmed, so a new use of an unconfirmed term is noticed.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from cdisc_dm.standards import load_ct

REPO = Path(__file__).resolve().parents[2]
SDTM_YAML = REPO / "specs" / "ct" / "sdtm.yaml"
DOCS = REPO / "docs" / "standards.md"
STUDY_DIR = REPO / "mappings" / "il2dm"

CT = load_ct()
SDTM_CODELISTS = [CT.codelist(c["short_name"]) for c in yaml.safe_load(SDTM_YAML.read_text(encoding="utf-8"))["codelists"]]

# The terms the IL-2 study uses that are still unconfirmed (docs/standards.md says why). TSPARMCD/TSPARM
# are left out: none of their term codes could be checked. Shrink this set as terms get confirmed.
KNOWN_UNCONFIRMED_IN_USE = {
    ("FRM", "INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION"),  # EXDOSFRM, treatments dosage_form
    ("TCNTRL", "PLACEBO"),  # TS TCNTRL
    ("QSCAT", "HAQ-DI WITHOUT VAS"),  # qs_haq_tests.csv: value and code not found in the sources read (docs/qs.md)
}

# TS parameter -> codelist of its value, for the parameters TS codes with CDISC CT.
TS_CODELISTS = {
    "TBLIND": "TBLIND", "TPHASE": "TPHASE", "STYPE": "STYPE", "INTMODEL": "INTMODEL", "INTTYPE": "INTTYPE",
    "TTYPE": "TTYPE", "TCNTRL": "TCNTRL", "TINDTP": "TINDTP", "SEXPOP": "SEXPOP", "RANDOM": "NY", "ADAPT": "NY",
    "ADDON": "NY", "HLTSUBJI": "NY", "DOSU": "UNIT", "DOSFRQ": "FREQ", "ROUTE": "ROUTE",
}


def _documented() -> tuple[dict[str, str], set[str], set[tuple[str, str, str | None]]]:
    """The table of docs/standards.md "Unverified codes": codelist codes, unconfirmed codelists, terms."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Unverified codes"):]
    codes: dict[str, str] = {}
    unconfirmed_lists: set[str] = set()
    terms: set[tuple[str, str, str | None]] = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) != 3 or not re.fullmatch(r"C\d+( \(codelist unconfirmed\))?", cells[1]):
            continue
        short, code_cell, listed = cells
        codes[short] = code_cell.split()[0]
        if code_cell.endswith("(codelist unconfirmed)"):
            unconfirmed_lists.add(short)
        for item in filter(None, (part.strip() for part in listed.split("; "))):
            value, _, code = item.rpartition(" = ")
            terms.add((short, value, None if code == "none" else code))
    return codes, unconfirmed_lists, terms


def test_docs_table_lists_exactly_the_unverified_flags():
    codes, unconfirmed_lists, documented = _documented()
    shipped = {(cl.short_name, t.value, t.code) for cl in SDTM_CODELISTS for t in cl.terms if t.unverified}
    assert documented - shipped == set(), "listed in docs/standards.md but not flagged (or code differs)"
    assert shipped - documented == set(), "flagged unverified but not listed in docs/standards.md"
    assert unconfirmed_lists == {cl.short_name for cl in SDTM_CODELISTS if cl.unverified}
    for short, code in codes.items():
        assert CT.codelist(short).code == code, short


def test_a_cdisc_term_without_a_code_is_flagged_and_codes_are_well_formed():
    for cl in SDTM_CODELISTS:
        assert re.fullmatch(r"C\d+", cl.code), cl.short_name
        assert len({t.value for t in cl.terms}) == len(cl.terms), f"{cl.short_name}: duplicate submission value"
        for t in cl.terms:
            if t.code is None:
                assert t.unverified, (cl.short_name, t.value)
            else:
                assert re.fullmatch(r"C\d+", t.code), (cl.short_name, t.value, t.code)


def test_one_nci_concept_has_one_preferred_term_across_the_subset():
    decodes: dict[str, set[str]] = {}
    for cl in SDTM_CODELISTS:
        for t in cl.terms:
            if t.code is not None:
                decodes.setdefault(t.code, set()).add(t.decode)
    assert {code: names for code, names in decodes.items() if len(names) > 1} == {}


@pytest.mark.parametrize("codes, names", [("LBTESTCD", "LBTEST"), ("VSTESTCD", "VSTEST"), ("MBTESTCD", "MBTEST")])
def test_test_code_and_test_name_codelists_share_their_concepts(codes, names):
    code_terms = {t.code for t in CT.codelist(codes).terms if t.code}
    name_terms = {t.code for t in CT.codelist(names).terms if t.code}
    assert code_terms == name_terms
    assert len(CT.codelist(codes).terms) == len(CT.codelist(names).terms)


# ---------------------------------------------------------------------------------------------------
# Terms the IL-2 study uses


@pytest.fixture(scope="module")
def study_ct():
    return load_ct(extra=STUDY_DIR / "ct")


@pytest.fixture(scope="module")
def used() -> dict[tuple[str, str], str]:
    """(codelist, submission value) -> where the IL-2 study uses it."""
    from cdisc_dm.sdtm.trial_design import build_trial_design
    from cdisc_dm.study import load_study

    study = load_study("il2dm")
    out: dict[tuple[str, str], str] = {}
    for term in study.epoch_terms:
        out[("EPOCH", term.epoch)] = "study.yaml epochs"
    for t in study.treatments:
        out[("ROUTE", t.route)] = out[("FREQ", t.frequency)] = "study.yaml treatments"
        out[("UNIT", t.dose_unit)] = out[("FRM", t.dosage_form)] = "study.yaml treatments"
    ts = build_trial_design(study)["TS"].data
    for row in ts[ts["TSVCDREF"] == "CDISC CT"].itertuples():
        out[(TS_CODELISTS[row.TSPARMCD], row.TSVAL)] = f"TS {row.TSPARMCD}"
    with open(STUDY_DIR / "sdtm" / "lb_tests.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[("LBTESTCD", row["LBTESTCD"])] = out[("LBTEST", row["LBTEST"])] = "lb_tests.csv"
            if row["LBSTRESU"]:
                out[("UNIT", row["LBSTRESU"])] = "lb_tests.csv LBSTRESU"
    for tests in sorted((STUDY_DIR / "sdtm").glob("qs_*_tests.csv")):
        with open(tests, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out[("QSCAT", row["QSCAT"])] = tests.name
    ex = yaml.safe_load((STUDY_DIR / "sdtm" / "ex.yaml").read_text(encoding="utf-8"))
    out[("FRM", ex["variables"]["EXDOSFRM"]["assign"])] = "ex.yaml EXDOSFRM"
    dm = yaml.safe_load((STUDY_DIR / "sdtm" / "dm.yaml").read_text(encoding="utf-8"))
    out[("AGEU", dm["variables"]["AGEU"]["assign"])] = "dm.yaml AGEU"
    return out


def _missing(used, ct) -> dict[tuple[str, str], str]:
    return {key: where for key, where in used.items() if key[1] not in {t.value for t in ct.codelist(key[0]).terms}}


def test_every_term_the_study_uses_is_in_the_ct(used, study_ct):
    assert _missing(used, study_ct) == {}


def test_the_unconfirmed_terms_the_study_uses_are_the_known_ones(used, study_ct):
    unconfirmed = set()
    for (short, value) in used:
        term = next((t for t in study_ct.codelist(short).terms if t.value == value), None)
        if term is not None and term.unverified and short not in ("TSPARMCD", "TSPARM"):
            unconfirmed.add((short, value))
    assert unconfirmed == KNOWN_UNCONFIRMED_IN_USE

