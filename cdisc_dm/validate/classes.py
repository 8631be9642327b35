"""The SDTM observation class of a dataset, for rule Scope ``Classes``.

The class comes from the SDTMIG metadata (``cdisc_dm.standards.load_sdtmig().domain(name).klass``)
when the standards package knows the domain. Custom domains and standards not yet loaded fall
back on the SDTM model's rules (SDTM v2.0 section 2.2): the fixed special-purpose, trial-design
and relationship datasets by name, then the topic variable — ``--TRT`` for Interventions,
``--TERM`` for Events, ``--TESTCD`` for Findings (``--OBJ`` makes it Findings About).

Example::

    infer_class("XY", ["STUDYID", "DOMAIN", "USUBJID", "XYTESTCD", "XYORRES"])  # "FINDINGS"
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["infer_class"]

# SDTM v2.0 / SDTMIG 3.4 section 2.6: datasets whose class is fixed by name.
_BY_NAME = {
    **{d: "SPECIAL PURPOSE" for d in ("DM", "CO", "SE", "SM", "SV")},
    **{d: "TRIAL DESIGN" for d in ("TA", "TD", "TE", "TI", "TM", "TS", "TV")},
    **{d: "RELATIONSHIP" for d in ("RELREC", "RELSPEC", "RELSUB", "RELREF", "POOLDEF")},
    **{d: "STUDY REFERENCE" for d in ("DI", "OI")},
}


@lru_cache(maxsize=1)
def sdtmig():
    """The SDTMIG metadata in specs/, or None when it cannot be loaded: class lookups then fall back
    to the names below, and rules that need the metadata report an execution error."""
    from ..errors import StandardsError
    from ..standards import load_sdtmig

    try:
        return load_sdtmig()
    except StandardsError:
        return None


def _from_ig(domain: str) -> str | None:
    ig = sdtmig()
    if ig is None:
        return None
    try:
        meta = ig.domain(domain)
    except Exception:
        return None
    klass = getattr(meta, "klass", None)
    return str(klass).upper() if klass else None


def infer_class(domain: str, columns: list[str]) -> str | None:
    name = domain.upper()
    if name.startswith("SUPP") or (name.startswith("SQ") and len(name) > 2):
        return "RELATIONSHIP"
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith("AP") and len(name) >= 4 and name[2:4] in ("DM",):
        return "SPECIAL PURPOSE"
    cols = {c.upper() for c in columns}
    prefix = name[:4] if name.startswith("AP") and len(name) >= 4 else name[:2]
    if f"{prefix}OBJ" in cols:  # SDTMIG 3.4 section 6.4: Findings About carries --OBJ
        return "FINDINGS ABOUT"
    known = _from_ig(name)
    if known:
        return known
    if f"{prefix}TESTCD" in cols or f"{prefix}TEST" in cols:
        return "FINDINGS"
    if f"{prefix}TRT" in cols:
        return "INTERVENTIONS"
    if f"{prefix}TERM" in cols:
        return "EVENTS"
    return None
