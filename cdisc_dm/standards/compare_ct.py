"""Compare a CT subset (the shipped one) with a full NCI EVS release, term by term.

The shipped subset marks codes it could not confirm as ``unverified``; once the release file is
at hand, this lists every disagreement so the subset can be corrected.

Example::

    for line in compare_ct(load_ct(), load_ct("SDTM Terminology 2025-09-26.txt")):
        print(line)
    # UNIT (C71620): term 'ng/L' has no code in the subset; the release has C67327
"""
from __future__ import annotations

from .ct import ControlledTerminology

__all__ = ["compare_ct"]


def compare_ct(subset: ControlledTerminology, release: ControlledTerminology) -> list[str]:
    """Human-readable differences, for every codelist of ``subset`` that is not sponsor-defined.

    Codelists of the subset that the release does not contain at all are reported once; extra
    terms of the release (the subset is a subset) are not differences.
    """
    out: list[str] = []
    for short in sorted(subset.codelists):
        ours = subset.codelists[short]
        if ours.sponsor:
            continue
        theirs = release.find(short)
        if theirs is None and ours.code:
            theirs = release.find(ours.code)
        if theirs is None:
            out.append(f"{short} ({ours.code}): not in the release")
            continue
        label = f"{short} ({ours.code})"
        if theirs.short_name != short:
            out.append(f"{label}: the release calls this codelist {theirs.short_name}")
        if ours.code != theirs.code:
            out.append(f"{label}: codelist code differs, the release has {theirs.code}")
        if ours.extensible != theirs.extensible:
            out.append(f"{label}: extensible is {ours.extensible} here, {theirs.extensible} in the release")
        for term in ours.terms:
            if term.extended:
                continue
            other = theirs.term(term.value)
            if other is None:
                out.append(f"{label}: term {term.value!r} is not in the release")
            elif term.code is None:
                out.append(f"{label}: term {term.value!r} has no code in the subset; the release has {other.code}")
            elif term.code != other.code:
                out.append(f"{label}: term {term.value!r} is {term.code} here, {other.code} in the release")
            elif term.decode is not None and other.decode is not None and term.decode != other.decode:
                out.append(f"{label}: term {term.value!r} decode {term.decode!r} here, {other.decode!r} in the release")
    return out
