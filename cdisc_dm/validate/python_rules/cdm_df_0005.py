"""CDM-DF-0005: define.xml is valid against the Define-XML 2.1 schema (XSD).

Define-XML 2.1 section 1.3: a define conforms to the schema published with the standard
(shipped in ``odmlib``). Each problem of
:func:`cdisc_dm.io.define_check.validate_define_xsd` is one finding on "DEFINE", its
``line`` the line of define.xml.

Example::

    RULE.run(study, define).findings[0].message
    # "define.xml:12: ItemDef IT.DM.SEX: Element ... The attribute 'DataType' is required but missing."
"""
from __future__ import annotations

import re

from ..results import Finding
from . import PythonRule

_LINE = re.compile(r":(\d+): ")


class DefineSchemaValid(PythonRule):
    code = "CDM-DF-0005"
    severity = "error"
    description = "Raise an error when define.xml is not valid against the Define-XML 2.1 XSD."
    message = "define.xml does not conform to the Define-XML 2.1 schema."
    citations = ("Define-XML 2.1 section 1.3 (schema conformance)",)

    def findings(self, study, define, ct):
        out = []
        for msg in define.xsd_problems():
            m = _LINE.search(msg)
            out.append(Finding(dataset="DEFINE", row=None, variables={"line": int(m.group(1)) if m else None}, message=msg))
        return out


RULE = DefineSchemaValid()
