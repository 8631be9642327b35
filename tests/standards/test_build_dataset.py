"""build_dataset: order, labels, dataset metadata, SUPP-- and split datasets, ADaM, errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.dataset import Dataset
from cdisc_dm.errors import StandardsError
from cdisc_dm.standards import build_dataset


def _dm() -> pd.DataFrame:
    # Deliberately scrambled column order and a non-default index.
    return pd.DataFrame(
        {
            "SEX": ["F", "M", "F"],
            "AGE": [34.0, 51.0, 47.0],
            "USUBJID": ["S-01-0003", "S-01-0001", "S-02-0002"],
            "COUNTRY": ["CHN"] * 3,
            "STUDYID": ["S"] * 3,
            "DOMAIN": ["DM"] * 3,
        },
        index=[10, 5, 7],
    )


def test_columns_follow_sdtmig_order_and_rows_keep_their_order_and_index():
    frame = _dm()
    ds = build_dataset("DM", frame)
    assert isinstance(ds, Dataset)
    # SDTMIG 3.4 DM table order: STUDYID(1) DOMAIN(2) USUBJID(3) AGE(19) SEX(21) COUNTRY(30)
    assert ds.names == ["STUDYID", "DOMAIN", "USUBJID", "AGE", "SEX", "COUNTRY"]
    assert list(ds.data.columns) == ds.names
    assert ds.data["USUBJID"].tolist() == ["S-01-0003", "S-01-0001", "S-02-0002"]
    assert ds.data.index.tolist() == [10, 5, 7]
    ds.check_consistent()


def test_input_frame_is_not_modified():
    frame = _dm()
    before = frame.copy()
    ds = build_dataset("DM", frame)
    ds.data.loc[10, "SEX"] = "M"
    pd.testing.assert_frame_equal(frame, before)


def test_variable_and_dataset_metadata_come_from_the_standard():
    ds = build_dataset("DM", _dm())
    sex = ds.variable("SEX")
    assert (sex.label, sex.type, sex.core, sex.role, sex.codelist) == ("Sex", "Char", "Req", "Record Qualifier", "SEX")
    assert ds.variable("AGE").type == "Num"
    assert (ds.label, ds.klass, ds.structure) == ("Demographics", "SPECIAL PURPOSE", "One record per subject")
    assert ds.keys == ["STUDYID", "USUBJID"] and ds.standard == "SDTMIG 3.4" and ds.domain == "DM"


def test_overrides_set_origin_and_method_and_may_relabel():
    ds = build_dataset(
        "DM", _dm(),
        overrides={"SEX": {"origin": "Collected", "source": "DM.SEX"}, "AGE": {"origin": "Derived", "method": "age at consent"}},
        label="Demographics (IL-2 study)",
    )
    assert (ds.variable("SEX").origin, ds.variable("SEX").source) == ("Collected", "DM.SEX")
    assert ds.variable("AGE").method == "age at consent" and ds.label == "Demographics (IL-2 study)"


def test_unknown_column_is_rejected_by_name():
    frame = _dm().assign(SEXX="F", FOO=1)
    with pytest.raises(StandardsError) as exc:
        build_dataset("DM", frame)
    message = str(exc.value)
    assert "['SEXX', 'FOO'] are not SDTMIG 3.4 variables of DM" in message and "SUPP--" in message


def test_sponsor_variable_declared_in_overrides_goes_after_standard_ones():
    frame = _dm().assign(DMXFL=["Y", "N", "Y"])
    ds = build_dataset("DM", frame, overrides={"DMXFL": {"label": "Extra Flag", "type": "Char", "origin": "Derived"}})
    assert ds.names[-1] == "DMXFL" and ds.variable("DMXFL").label == "Extra Flag"


def test_override_errors_name_dataset_and_variable():
    with pytest.raises(StandardsError, match="dataset DM, variable SEX: unknown override keys \\['colour'\\]"):
        build_dataset("DM", _dm(), overrides={"SEX": {"colour": "red"}})
    with pytest.raises(StandardsError, match="overrides given for \\['RACE'\\], which the frame does not have"):
        build_dataset("DM", _dm(), overrides={"RACE": {"origin": "Collected"}})
    with pytest.raises(StandardsError, match="the standard defines type Char, override says Num"):
        build_dataset("DM", _dm(), overrides={"SEX": {"type": "Num"}})


def test_num_variable_holding_text_is_rejected_but_an_empty_column_is_fine():
    with pytest.raises(StandardsError, match="dataset DM, variable AGE: type Num but the column has dtype"):
        build_dataset("DM", _dm().assign(AGE=["34", "51", "47"]))
    ds = build_dataset("DM", _dm().assign(RACE=np.nan))  # all-missing float column for a Char variable
    assert ds.variable("RACE").type == "Char"


def test_suppae_resolves_to_suppqual_with_the_parent_in_the_label():
    frame = pd.DataFrame(
        {"QVAL": ["Y"], "QNAM": ["AETRTEM"], "USUBJID": ["S-01-0001"], "RDOMAIN": ["AE"], "STUDYID": ["S"],
         "IDVAR": ["AESEQ"], "IDVARVAL": ["1"], "QLABEL": ["Treatment Emergent Flag"], "QORIG": ["Derived"]}
    )
    ds = build_dataset("SUPPAE", frame)
    assert ds.name == "SUPPAE" and ds.label == "Supplemental Qualifiers for AE" and ds.parent == "AE"
    assert ds.names == ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG"]
    assert ds.keys == ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"]
    assert ds.klass == "RELATIONSHIP"


def test_split_dataset_lbch_uses_lb_metadata_and_keeps_its_name():
    frame = pd.DataFrame({"LBORRES": ["120"], "LBTESTCD": ["CK"], "DOMAIN": ["LB"], "STUDYID": ["S"], "USUBJID": ["U"]})
    ds = build_dataset("LBCH", frame)
    assert (ds.name, ds.domain, ds.label) == ("LBCH", "LB", "Laboratory Test Results")
    assert ds.names == ["STUDYID", "DOMAIN", "USUBJID", "LBTESTCD", "LBORRES"]


def test_unknown_domain_lists_what_is_shipped():
    with pytest.raises(StandardsError, match="SDTMIG 3.4 has no dataset 'XY'.*shipped domains: AE, CM"):
        build_dataset("XY", pd.DataFrame({"STUDYID": ["S"]}))


def test_adsl_orders_indexed_treatment_variables_and_expands_their_labels():
    frame = pd.DataFrame(
        {"TRT02P": ["IL-2"], "TRT01P": ["Placebo"], "USUBJID": ["U"], "STUDYID": ["S"], "TRTSEQP": ["Placebo/IL-2"],
         "TR01SDT": [pd.Timestamp("2024-01-02")], "DTHFL": ["N"]}
    )
    ds = build_dataset("ADSL", frame, standard="ADaMIG 1.3")
    assert ds.names[:5] == ["STUDYID", "USUBJID", "TRT01P", "TRT02P", "TRTSEQP"]
    assert ds.variable("TRT02P").label == "Planned Treatment for Period 02"
    assert ds.variable("TR01SDT").type == "Num"  # a datetime column is accepted for a numeric ADaM date
    # DTHFL is not an ADaMIG ADSL variable: copied from SDTM DM it keeps the SDTM label (ADaMIG 3.1)
    assert ds.names[-1] == "DTHFL" and ds.variable("DTHFL").label == "Subject Death Flag"
    assert (ds.klass, ds.standard) == ("SUBJECT LEVEL ANALYSIS DATASET", "ADaMIG 1.3")


def test_bds_dataset_needs_its_structure():
    frame = pd.DataFrame({"AVAL": [1.0], "PARAMCD": ["CK"], "USUBJID": ["U"], "STUDYID": ["S"], "LBSEQ": [1.0]})
    with pytest.raises(StandardsError, match="ADaM dataset 'ADLB': say which structure"):
        build_dataset("ADLB", frame, standard="ADaMIG 1.3")
    ds = build_dataset("ADLB", frame, standard="ADaMIG 1.3", structure="BDS", label="Laboratory Analysis Dataset")
    assert ds.names == ["STUDYID", "USUBJID", "PARAMCD", "AVAL", "LBSEQ"]
    assert ds.klass == "BASIC DATA STRUCTURE" and ds.keys == ["STUDYID", "USUBJID", "PARAMCD"]


def test_occds_dataset():
    frame = pd.DataFrame({"TRTEMFL": ["Y"], "AEDECOD": ["Headache"], "USUBJID": ["U"], "STUDYID": ["S"], "ASTDT": [19000.0]})
    ds = build_dataset("ADAE", frame, standard="ADaMIG 1.3", structure="OCCDS")
    assert ds.names == ["STUDYID", "USUBJID", "ASTDT", "TRTEMFL", "AEDECOD"]
    assert ds.variable("AEDECOD").label == "Dictionary-Derived Term" and ds.klass == "OCCURRENCE DATA STRUCTURE"


def test_unknown_standard_is_rejected():
    with pytest.raises(StandardsError, match="unknown standard 'SEND 3.1'"):
        build_dataset("DM", _dm(), standard="SEND 3.1")
