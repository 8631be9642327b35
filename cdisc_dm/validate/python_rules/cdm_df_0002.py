"""CDM-DF-0002: a variable's type in define.xml (ItemDef DataType) agrees with the data.

Define-XML 2.1 section 5.3.11: DataType integer/float describe numbers (a character value that
is not a number, or an integer with decimals, disagrees); text a character variable; date,
datetime and time ISO 8601 values of that shape. Issues DEFINE-TYPE of
:func:`cdisc_dm.io.define_check.check_define_against_data`.

Example::

    RULE.run(study, define).findings[0].message
    # 'variable is Char but ItemDef IT.DM.AGE has DataType integer'
"""
from __future__ import annotations

from . import PythonRule, findings_from_issues


class DefineDataType(PythonRule):
    code = "CDM-DF-0002"
    severity = "error"
    description = "Raise an error when a variable's type differs between define.xml (DataType) and the data."
    message = "Variable type in define.xml (ItemDef DataType) differs from the data."
    citations = ("Define-XML 2.1 section 5.3.11 (ItemDef DataType)",)

    def findings(self, study, define, ct):
        return findings_from_issues((i for i in define.data_report(study, ct) if i.code == "DEFINE-TYPE"), study)


RULE = DefineDataType()
