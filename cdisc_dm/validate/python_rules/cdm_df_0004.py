"""CDM-DF-0004: coded values of the data are terms of the codelist define.xml attaches.

Define-XML 2.1 section 5.3.12 (CodeList): the codelist of a variable (or of a value-level
ItemDef, on the records its where clause selects) lists the values used. Reported:

- a value outside the define's codelist (DEFINE-CODELIST / DEFINE-MISSING-CODELIST of
  :func:`cdisc_dm.io.define_check.check_define_against_data`, one finding per distinct value at
  its first record);
- a value in the define's codelist that is not a term of the CDISC codelist of the same name
  (``CL.<short name>``) and is not marked ``def:ExtendedValue="Yes"``: a sponsor extension must
  be marked as such (Define-XML 2.1 section 5.3.12.1).

Example::

    RULE.run(study, define).findings[0].message
    # 'value is not in CodeList CL.SEX (Sex) that ItemDef IT.DM.SEX refers to'
"""
from __future__ import annotations

import pandas as pd

from ...report import Issue
from . import PythonRule, findings_from_issues


def _ct(ct):
    if ct is not None:
        return ct
    try:
        from ...standards import load_ct

        return load_ct()
    except Exception:  # no CT available: the extension check is not possible, the rest still runs
        return None


class DefineCodelistValues(PythonRule):
    code = "CDM-DF-0004"
    severity = "error"
    description = ("Raise an error when a value is not a term of the codelist define.xml attaches to the variable "
                   "(or value-level condition), or is a sponsor extension not marked def:ExtendedValue=\"Yes\".")
    message = "Value not in the define.xml codelist of the variable, or an extended value not marked as such."
    citations = ("Define-XML 2.1 section 5.3.12 (CodeList)",)

    def findings(self, study, define, ct):
        issues = [i for i in define.data_report(study, ct) if i.code in ("DEFINE-CODELIST", "DEFINE-MISSING-CODELIST")]
        issues += self._unmarked_extensions(study, define, _ct(ct))
        return findings_from_issues(issues, study)

    @staticmethod
    def _unmarked_extensions(study, define, ct) -> list[Issue]:
        if ct is None:
            return []
        doc = define.doc
        unmarked: dict[str, set[str]] = {}  # define CodeList OID -> values that need ExtendedValue="Yes"
        for oid, cl in doc.codelists.items():
            cdisc = ct.find(oid[3:]) if oid.startswith("CL.") and not cl.external else None
            if cdisc is None:
                continue  # a sponsor codelist: every term is the sponsor's
            terms = {t.value for t in cdisc.terms}
            bad = {v for v, marked in cl.values.items() if not marked and v not in terms}
            if bad:
                unmarked[oid] = bad
        out: list[Issue] = []
        if not unmarked:
            return out
        for name in sorted(study.datasets):
            sds, igd = study.datasets[name], doc.datasets.get(name)
            if igd is None:
                continue
            for item_oid in igd.items:
                item = doc.items.get(item_oid)
                if item is None or item.codelist not in unmarked or item.name not in sds.frame.columns:
                    continue
                col = sds.frame[item.name]
                if pd.api.types.is_numeric_dtype(col.dtype):
                    continue
                text = col.astype("string")
                hit = text.isin(sorted(unmarked[item.codelist])).fillna(False).to_numpy(dtype=bool)
                firsts = text[hit].drop_duplicates()  # one finding per distinct value, at its first record
                for pos, value in zip(firsts.index, firsts.tolist()):
                    row = int(sds.frame.index.get_loc(pos)) + 1
                    out.append(Issue(code="DEFINE-UNMARKED-EXTENSION", dataset=name, variable=item.name, value=value,
                                     row=row, message=f"value is in CodeList {item.codelist} but not a term of the CDISC "
                                     f"codelist {item.codelist[3:]}, and the define does not mark it "
                                     "def:ExtendedValue=\"Yes\""))
        return out


RULE = DefineCodelistValues()
