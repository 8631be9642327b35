"""CDM-DF-0001: every dataset and variable is in both define.xml and the data.

Define-XML 2.1 section 3.2: the define describes every submitted dataset (ItemGroupDef) and
every variable (ItemRef + ItemDef), and nothing that is not submitted. The comparison is
:func:`cdisc_dm.io.define_check.check_define_against_data`'s (issue codes below).

Example::

    RULE.run(study, load_define("define.xml")).findings[0].message
    # 'ItemDef IT.DM.AGEU describes a variable the dataset does not have'
"""
from __future__ import annotations

from . import PythonRule, findings_from_issues

_CODES = {"DEFINE-EXTRA-DATASET", "DEFINE-MISSING-DATASET", "DEFINE-EXTRA-VARIABLE", "DEFINE-MISSING-VARIABLE",
          "DEFINE-MISSING-ITEMDEF"}


class DatasetsAndVariablesInDefine(PythonRule):
    code = "CDM-DF-0001"
    severity = "error"
    description = ("Raise an error when a dataset or variable is in the data but not in define.xml, "
                   "or in define.xml but not in the data.")
    message = "Dataset or variable missing from define.xml, or described in define.xml but not in the data."
    citations = ("Define-XML 2.1 section 3.2",)

    def findings(self, study, define, ct):
        report = define.data_report(study, ct)
        return findings_from_issues((i for i in report if i.code in _CODES), study)


RULE = DatasetsAndVariablesInDefine()
