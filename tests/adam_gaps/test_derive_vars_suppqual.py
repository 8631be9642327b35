"""Record-level SUPP-- qualifiers back onto their parent records by IDVAR/IDVARVAL (SDTMIG 3.4 section 8.4)."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations.assert_data import DerivationError
from cdisc_dm.adam.derivations.derive_vars_suppqual import derive_vars_suppqual

EX = pd.DataFrame({"USUBJID": ["1", "1", "2"], "EXSEQ": [1.0, 2.0, 1.0]})
SUPP = pd.DataFrame({
    "USUBJID": ["1", "1", "2", "1", "2"],
    "IDVAR": ["EXSEQ", "EXSEQ", "EXSEQ", "EXSEQ", None],
    "IDVARVAL": ["2", "1", "1", "1", None],
    "QNAM": ["EXNMISS", "EXNMISS", "EXNMISS", "EXNPLAN", "RANDNO"],
    "QVAL": ["2", "0", "5", "9", "R07"],
})


def test_each_value_lands_on_its_parent_record():
    out = derive_vars_suppqual(EX, SUPP, ["EXNMISS", "EXNPLAN", "RANDNO"])
    assert out["EXNMISS"].tolist() == ["0", "2", "5"]
    assert out["EXNPLAN"].fillna("").tolist() == ["9", "", ""]
    # a subject-level qualifier (blank IDVAR) applies to every record of the subject
    assert out["RANDNO"].fillna("").tolist() == ["", "", "R07"]
    assert list(out.index) == list(EX.index) and "EXNMISS" not in EX.columns


def test_a_record_level_value_wins_over_a_subject_level_one():
    supp = pd.DataFrame({"USUBJID": ["1", "1"], "IDVAR": [None, "EXSEQ"], "IDVARVAL": [None, "2"],
                         "QNAM": ["EXNMISS", "EXNMISS"], "QVAL": ["7", "2"]})
    assert derive_vars_suppqual(EX, supp, ["EXNMISS"])["EXNMISS"].fillna("").tolist() == ["7", "2", ""]


def test_rename_and_text_parent_keys():
    ae = pd.DataFrame({"USUBJID": ["1"], "AESPID": ["A-1 "]})
    supp = pd.DataFrame({"USUBJID": ["1"], "IDVAR": ["AESPID"], "IDVARVAL": ["A-1"], "QNAM": ["AETRTEM"], "QVAL": ["Y"]})
    assert derive_vars_suppqual(ae, supp, {"TEFL": "AETRTEM"})["TEFL"].tolist() == ["Y"]


def test_errors():
    with pytest.raises(DerivationError, match="ADSEQ"):
        derive_vars_suppqual(EX, SUPP.assign(IDVAR="ADSEQ"), ["EXNMISS"])
    with pytest.raises(DerivationError, match="sharing a key"):
        derive_vars_suppqual(EX, pd.concat([SUPP, SUPP]), ["EXNMISS"])
    with pytest.raises(DerivationError, match="already has EXSEQ"):
        derive_vars_suppqual(EX, SUPP, {"EXSEQ": "EXNMISS"})
