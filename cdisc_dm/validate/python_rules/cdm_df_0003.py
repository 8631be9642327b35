"""CDM-DF-0003: define.xml Length (and SignificantDigits) fit the data.

Define-XML 2.1 section 5.3.11 (ItemDef Length, SignificantDigits) and the FDA Study Data
Technical Conformance Guide section 3.3 (lengths sized to the data). Reported: a value longer
than the ItemDef Length or with more decimals than SignificantDigits (DEFINE-LENGTH and
DEFINE-DIGITS of :func:`cdisc_dm.io.define_check.check_define_against_data`, at the first such
record), and a character variable whose declared length in the transport file differs from the
define's Length (dataset-level finding).

Example::

    RULE.run(study, define).findings[0].message
    # 'value is 7 characters but ItemDef IT.DM.SEX has Length 1'
"""
from __future__ import annotations

from ...report import Issue
from . import PythonRule, findings_from_issues


class DefineLength(PythonRule):
    code = "CDM-DF-0003"
    severity = "warning"
    description = "Raise a warning when a variable's Length in define.xml differs from its length in the data."
    message = "Variable length in define.xml (ItemDef Length) differs from the data."
    citations = ("Define-XML 2.1 section 5.3.11 (ItemDef Length)", "FDA Study Data Technical Conformance Guide section 3.3")

    def findings(self, study, define, ct):
        issues = [i for i in define.data_report(study, ct) if i.code in ("DEFINE-LENGTH", "DEFINE-DIGITS")]
        doc = define.doc
        for name in sorted(study.datasets):
            sds, igd = study.datasets[name], doc.datasets.get(name)
            if igd is None:
                continue  # CDM-DF-0001 reports it
            for oid in igd.items:
                item = doc.items.get(oid)
                if item is None or item.data_type != "text" or item.length is None:
                    continue
                declared = sds.lengths.get(item.name)
                if declared is not None and sds.types.get(item.name, "Char") == "Char" and declared != item.length:
                    issues.append(Issue(code="DEFINE-DECLARED-LENGTH", severity="warning", dataset=name, variable=item.name,
                                        value=str(declared), message=f"the data declares length {declared} but ItemDef "
                                        f"{item.oid} has Length {item.length}"))
        return findings_from_issues(issues, study)


RULE = DefineLength()
