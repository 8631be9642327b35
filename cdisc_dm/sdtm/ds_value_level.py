"""Value-level metadata of DS.DSDECOD: its codelist depends on DSCAT.

SDTMIG 3.4 section 6.2.2 (DS assumptions): DSDECOD takes its value from the Completion/Reason for
Non-Completion codelist (NCOMPLT) when DSCAT is DISPOSITION EVENT, from Protocol Milestone
(PROTMLST) when DSCAT is PROTOCOL MILESTONE, and is sponsor-defined for OTHER EVENT. One
variable-level codelist cannot say that, so Define-XML carries one value-level item per DSCAT.

Example::

    package = ds_value_level(package)
    package["DS"].variable("DSDECOD").value_level   # (ValueLevel(where={'DSCAT': ('DISPOSITION EVENT',)}, codelist='NCOMPLT'), ...)
"""
from __future__ import annotations

from dataclasses import replace

from ..dataset import Package, ValueLevel

__all__ = ["ds_value_level", "DSDECOD_CODELISTS"]

#: DSCAT value -> codelist of DSDECOD (None: sponsor-defined terms)
DSDECOD_CODELISTS: dict[str, str | None] = {
    "DISPOSITION EVENT": "NCOMPLT",
    "PROTOCOL MILESTONE": "PROTMLST",
    "OTHER EVENT": None,
}


def ds_value_level(package: Package) -> Package:
    """Attach DSDECOD's value-level items (one per DSCAT present) and drop its single codelist."""
    if "DS" not in package or "DSCAT" not in package["DS"].data or "DSDECOD" not in package["DS"].data:
        return package
    ds = package["DS"]
    present = sorted(set(ds.data["DSCAT"].dropna().astype(str)))
    dsdecod = ds.variable("DSDECOD")
    items = tuple(
        ValueLevel(where={"DSCAT": (cat,)}, type="text", codelist=DSDECOD_CODELISTS.get(cat),
                   origin=dsdecod.origin, method=dsdecod.method)
        for cat in present
    )
    ds.variables = [replace(v, codelist=None, value_level=items) if v.name == "DSDECOD" else v for v in ds.variables]
    return package
