"""The shipped ADaMIG 1.3 ADSL and BDS metadata agree with the published ADaMIG v1.3 tables (../shared)."""
from __future__ import annotations

import pytest

from cdisc_dm.resources import specs_dir
from cdisc_dm.standards import load_adamig
from cdisc_dm.standards.adamig import load_adam_structure_file

AD = load_adamig()
REF_NAMES = {"ADSL": "Subject-Level Analysis Dataset", "BDS": "Basic Data Structure"}


def _rows(name):
    """The rows as written in the shipped file (patterns unexpanded), in file order."""
    meta = load_adam_structure_file(specs_dir() / "adamig" / "1.3" / f"{name}.yaml")
    by_order = {}
    for v in (*meta.variables, *meta.patterns):
        by_order.setdefault(v.order, v if v.pattern is None else None)
    for p in meta.patterns:
        by_order[p.order] = p
    return [by_order[k] for k in sorted(by_order)]


@pytest.mark.parametrize("name", ["ADSL", "BDS"])
def test_variables_agree_with_reference(name, adamig_reference):
    ref = adamig_reference[adamig_reference["Data Structure Name"] == REF_NAMES[name]]
    ref = ref[~ref["Variable Name"].str.startswith("*")]  # generic timing suffixes are not shipped
    expected = {
        r["Variable Name"]: (r["Variable Label"], r["Type"], r["Core"], r["CDISC CT Codelist Submission Value(s)"] or None,
                             r["Variable Set"])
        for _, r in ref.iterrows()
    }
    shipped = {v.name: (v.label, v.type, v.core, v.codelist, v.variable_set) for v in _rows(name)}
    assert shipped == expected


def test_adsl_order_is_the_ig_table_order(adamig_reference):
    ref = adamig_reference[adamig_reference["Data Structure Name"] == REF_NAMES["ADSL"]]
    assert [v.name for v in _rows("ADSL")] == list(ref["Variable Name"])


def test_indexed_variables_are_expanded_for_01_and_02(adamig_reference):
    ref = adamig_reference[adamig_reference["Data Structure Name"] == REF_NAMES["ADSL"]]
    adsl = AD.dataset("ADSL")
    for _, r in ref[ref["Variable Name"].str.contains("xx") & ~ref["Variable Name"].str.contains("[yw]")].iterrows():
        for index in ("01", "02"):
            name = r["Variable Name"].replace("xx", index)
            assert name in adsl.names, name
            assert adsl.variable(name).label == r["Variable Label"].replace("xx", index)
    # beyond the shipped expansions, any period number resolves through the pattern
    assert adsl.variable("TRT12A").label == "Actual Treatment for Period 12"
    assert adsl.find("TRT1P") is None  # xx is exactly two digits


def test_period_timing_and_subperiod_patterns_resolve():
    adsl = AD.dataset("ADSL")
    assert adsl.variable("TR02EDT").label == "Date of Last Exposure in Period 02"
    assert adsl.variable("AP01SDT").label == "Period 01 Start Date"
    assert adsl.variable("P02S1SDT").label == "Period 02 Subperiod 1 Start Date"
    assert AD.structure("BDS").variable("ANL03FL").label == "Analysis Flag 03"


def test_reference_has_no_occds_table_so_occds_is_flagged(adamig_reference):
    assert "Occurrence" not in " ".join(adamig_reference["Data Structure Name"].unique())
    text = (specs_dir() / "adamig" / "1.3" / "OCCDS.yaml").read_text(encoding="utf-8")
    assert "unverified: true" in text


def test_every_codelist_named_by_adam_variables_is_in_the_shipped_ct():
    from cdisc_dm.standards import load_ct

    ct = load_ct()
    named = {v.codelist for s in ("ADSL", "BDS", "OCCDS") for v in AD.structure(s).variables if v.codelist}
    assert named and sorted(n for n in named if n not in ct) == []
