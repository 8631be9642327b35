"""Shipped ADaM / Define-XML codelists and shared NCI concepts agree with the CT 2025-09-26 reference files."""
from __future__ import annotations

import pytest

from cdisc_dm.standards import load_ct

CT = load_ct()


def _shipped_reference_lists(ct_reference):
    headers = ct_reference[ct_reference["Codelist Code"] == ""]
    return [h for _, h in headers.iterrows() if h["CDISC Submission Value"] in CT]


def test_some_shipped_codelists_overlap_the_reference(ct_reference):
    shipped = {h["CDISC Submission Value"] for h in _shipped_reference_lists(ct_reference)}
    assert {"DTYPE", "DATEFL", "TIMEFL", "PARAMTYP", "ORIGINT", "DICTNAM"} <= shipped


def test_overlapping_codelists_agree_term_by_term(ct_reference):
    for h in _shipped_reference_lists(ct_reference):
        cl = CT.codelist(h["CDISC Submission Value"])
        assert cl.code == h["Code"], cl.short_name
        assert cl.name == h["Codelist Name"] and cl.extensible == (h["Codelist Extensible (Yes/No)"] == "Yes")
        terms = ct_reference[ct_reference["Codelist Code"] == h["Code"]]
        expected = {(t["CDISC Submission Value"], t["Code"], t["NCI Preferred Term"]) for _, t in terms.iterrows()}
        assert {(t.value, t.code, t.decode) for t in cl.terms} == expected, cl.short_name


def test_terms_sharing_an_nci_concept_with_the_reference_have_its_preferred_term(ct_reference):
    """One NCI concept has one code and one preferred term in every codelist that uses it."""
    preferred = dict(zip(ct_reference["Code"], ct_reference["NCI Preferred Term"]))
    checked = 0
    for cl in CT.codelists.values():
        for t in cl.terms:
            if t.code in preferred and t.decode is not None:
                assert t.decode == preferred[t.code], (cl.short_name, t.value, t.code)
                checked += 1
    assert checked > 0


@pytest.mark.parametrize("package", ["ADaM CT", "Define-XML CT"])
def test_version_matches_the_reference_release(package, ct_reference):
    dates = {s.rsplit(" ", 1)[1] for s in ct_reference["Standard and Date"] if s.startswith(package)}
    assert dates == {CT.versions[package]}
