"""The trial design domains TA, TE, TV, TI and TS, built from the study definition.

Trial design datasets describe the plan, not the subjects (SDTMIG 3.4 section 7). Every
value comes from ``study.yaml`` (see :mod:`cdisc_dm.study`), so the Define-XML origin of
their variables is "Protocol" (the Define-XML 2.1 origin type of values that come from the
protocol), except the identifiers and codes the sponsor assigns (STUDYID, DOMAIN, TSVALCD,
TSVCDREF, TSVCDVER: "Assigned") and sequence numbers (TSSEQ: "Derived"). SSTDTC and ACTSUB,
computed from DM when it is given, are flagged in a comment on TSVAL.

Example::

    study = load_study("il2dm")
    design = build_trial_design(study)          # {"TA": Dataset, "TE": ..., "TV": ..., "TI": ..., "TS": ...}
    design["TA"].data[["ARMCD", "TAETORD", "ETCD", "EPOCH"]]
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..dataset import Dataset
from ..standards import build_dataset, load_ct
from ..study import TS_PARAMETER_NAMES, Study, TSParameter

__all__ = ["build_ta", "build_te", "build_tv", "build_ti", "build_ts", "build_trial_design"]

SDTMIG_VERSION = "3.4"
# SDTMIG v3.4 is the implementation guide of SDTM v2.0.
SDTM_VERSION = "2.0"

# NCI C-codes of the CDISC CT terms the builder fills itself (the rest come from study.yaml).
# TPHASE (C66737), SEXPOP (C66732), NY (C66742).
_TPHASE_CODES = {"PHASE I TRIAL": "C15600", "PHASE II TRIAL": "C15601", "PHASE III TRIAL": "C15602",
                 "PHASE IV TRIAL": "C15603"}
_SEXPOP_CODES = {"BOTH": "C49636", "F": "C16576", "M": "C20197"}
_NY_CODES = {"Y": "C49488", "N": "C49487"}

_CDISC_CT = "CDISC CT"


def _origins(frame: pd.DataFrame, **special: str) -> dict[str, dict[str, str]]:
    """Protocol origin for every column, Assigned for STUDYID/DOMAIN, unless ``special`` says otherwise."""
    origins = {col: {"origin": "Protocol"} for col in frame.columns}
    origins["STUDYID"] = {"origin": "Assigned"}
    origins["DOMAIN"] = {"origin": "Assigned"}
    for col, origin in special.items():
        origins[col] = {"origin": origin}
    return origins


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def build_ta(study: Study) -> Dataset:
    """TA: one record per planned element per arm (SDTMIG 3.4 section 7.2.1).

    TABRANCH sits on the element at whose end the subject is randomized (the screening
    element here); TATRANS on elements a subject may leave for a non-consecutive element
    (early stop of treatment leads to follow-up).
    """
    rows = []
    for arm in study.arms:
        for order, etcd in enumerate(arm.elements, start=1):
            element = study.element(etcd)
            rows.append({
                "STUDYID": study.studyid, "DOMAIN": "TA", "ARMCD": arm.armcd, "ARM": arm.arm,
                "TAETORD": order, "ETCD": etcd, "ELEMENT": element.element,
                "TABRANCH": arm.branch.get(etcd), "TATRANS": arm.transitions.get(etcd), "EPOCH": element.epoch,
            })
    cols = ["STUDYID", "DOMAIN", "ARMCD", "ARM", "TAETORD", "ETCD", "ELEMENT", "TABRANCH", "TATRANS", "EPOCH"]
    frame = _frame(rows, cols).astype({"TAETORD": "int64"})
    return build_dataset("TA", frame, overrides=_origins(frame))


def build_te(study: Study) -> Dataset:
    """TE: one record per planned element with its start/end rules and planned duration (section 7.2.2)."""
    rows = [{
        "STUDYID": study.studyid, "DOMAIN": "TE", "ETCD": el.etcd, "ELEMENT": el.element,
        "TESTRL": el.start_rule, "TEENRL": el.end_rule, "TEDUR": el.duration,
    } for el in study.elements]
    frame = _frame(rows, ["STUDYID", "DOMAIN", "ETCD", "ELEMENT", "TESTRL", "TEENRL", "TEDUR"])
    return build_dataset("TE", frame, overrides=_origins(frame))


def _visit_rules(day: int, start: int, end: int) -> tuple[str, str]:
    if start == end:
        return (f"Study Day {day}, counted from the start of the first treatment element (Day 1 = first dose), "
                "no window", f"End of Study Day {end}")
    return (f"Study Day {day}, counted from the start of the first treatment element (Day 1 = first dose), "
            f"window Study Day {start} to {end}", f"Study Day {end} at the latest")


def build_tv(study: Study) -> Dataset:
    """TV: one record per planned visit (section 7.3.1).

    ARMCD is null because every arm shares the schedule (SDTMIG 3.4 TV, ARMCD: "if the timing
    of visits for a trial does not depend on which arm a subject is in, then ARMCD should be
    null"). TVSTRL/TVENRL state the target day and window relative to the start of the first
    treatment element (Day 1 = first dose), so a reviewer can check SV against them.
    """
    rows = []
    for v in study.visits:
        start_rule, end_rule = _visit_rules(v.day, v.window_start, v.window_end)
        rows.append({
            "STUDYID": study.studyid, "DOMAIN": "TV", "VISITNUM": float(v.visitnum), "VISIT": v.visit,
            "VISITDY": v.day, "ARMCD": None, "TVSTRL": start_rule, "TVENRL": end_rule,
        })
    frame = _frame(rows, ["STUDYID", "DOMAIN", "VISITNUM", "VISIT", "VISITDY", "ARMCD", "TVSTRL", "TVENRL"])
    frame = frame.astype({"VISITNUM": "float64", "VISITDY": "int64"})
    frame["ARMCD"] = pd.Series([None] * len(frame), dtype="str")
    return build_dataset("TV", frame, overrides=_origins(frame))


def build_ti(study: Study) -> Dataset:
    """TI: every inclusion and exclusion criterion of the protocol version (section 7.5.1)."""
    rows = [{
        "STUDYID": study.studyid, "DOMAIN": "TI", "IETESTCD": c.code, "IETEST": c.text,
        "IECAT": c.category, "TIVERS": study.criteria_version,
    } for c in study.criteria]
    frame = _frame(rows, ["STUDYID", "DOMAIN", "IETESTCD", "IETEST", "IECAT", "TIVERS"])
    return build_dataset("TI", frame, overrides=_origins(frame))


def _sdtm_ct_release(version: str) -> str:
    """The SDTM CT release date in a CT version text such as "ADaM CT 2025-09-26; SDTM CT
    2025-09-26" (what a combined CT object reports); the text itself when it names none."""
    match = re.search(r"SDTM CT (\d{4}-\d{2}-\d{2})", version)
    return match.group(1) if match else version


def _derived_parameters(study: Study, dm: pd.DataFrame | None) -> list[TSParameter]:
    """The TS values that come from the study's structured facts (and DM when given)."""
    out: list[TSParameter] = [
        TSParameter("TITLE", study.title),
        TSParameter("SPONSOR", study.sponsor),
        TSParameter("TPHASE", study.phase, _TPHASE_CODES.get(study.phase),
                    _CDISC_CT if study.phase in _TPHASE_CODES else None),
        TSParameter("PLANSUB", str(study.planned_subjects)),
        TSParameter("NARMS", str(len(study.arms))),
        TSParameter("SEXPOP", study.sex_population, _SEXPOP_CODES.get(study.sex_population), _CDISC_CT),
        TSParameter("HLTSUBJI", "Y" if study.healthy_volunteers else "N",
                    _NY_CODES["Y" if study.healthy_volunteers else "N"], _CDISC_CT),
        TSParameter("SDTIGVER", SDTMIG_VERSION),
        TSParameter("SDTMVER", SDTM_VERSION),
    ]
    # Ages are ISO 8601 durations (SDTMIG 3.4 TS assumption; example P18Y). An open bound is
    # a null flavor: NINF for no minimum, PINF for no maximum.
    out.append(TSParameter("AGEMIN", f"P{study.min_age}Y", ref="ISO 8601") if study.min_age is not None
               else TSParameter("AGEMIN", None, null_flavor="NINF"))
    out.append(TSParameter("AGEMAX", f"P{study.max_age}Y", ref="ISO 8601") if study.max_age is not None
               else TSParameter("AGEMAX", None, null_flavor="PINF"))
    countries = sorted({s.country for s in study.sites}) or [study.country]
    # ISO 3166-1 alpha-3 codes; "ISO 3166" is the DICTNAM (C66788) name of that terminology.
    out.extend(TSParameter("FCNTRY", c, ref="ISO 3166") for c in countries)
    if study.registry_id:
        out.append(TSParameter("REGID", study.registry_id, study.registry_id, study.registry_name))
    else:
        out.append(TSParameter("REGID", None, null_flavor="NA"))
    if study.randomization_quotient is not None:
        out.append(TSParameter("RANDQT", f"{study.randomization_quotient:g}"))
    # Study start date: the earliest informed consent date (FDA Study Data Technical
    # Conformance Guide, TS section). Without DM it is not known when the TS is built.
    if dm is not None and "RFICDTC" in dm.columns and dm["RFICDTC"].notna().any():
        first = dm["RFICDTC"].dropna().astype(str).str.slice(0, 10).min()
        out.append(TSParameter("SSTDTC", first, ref="ISO 8601"))
    else:
        out.append(TSParameter("SSTDTC", None, null_flavor="UNK"))
    if dm is not None and "ARMCD" in dm.columns:
        # Subjects assigned to an arm (SDTMIG 3.4: ARMCD is null for screen failures and
        # subjects not assigned, whose reason is in ARMNRS).
        out.append(TSParameter("ACTSUB", str(int(dm.loc[dm["ARMCD"].notna(), "USUBJID"].nunique()))))
    return out


def build_ts(study: Study, *, ct_version: str | None = None, dm: pd.DataFrame | None = None) -> Dataset:
    """TS: one record per trial summary parameter value (SDTMIG 3.4 section 7.6.1).

    ``ct_version`` is the CDISC CT release (e.g. ``"2024-09-27"``) written to TSVCDVER for
    CDISC CT coded values; by default the shipped CT subset's version. A combined version text
    ("ADaM CT 2025-09-26; SDTM CT 2025-09-26") gives its SDTM CT date. ``dm`` (SDTM DM) fills
    SSTDTC (earliest RFICDTC) and ACTSUB; without it SSTDTC gets TSVALNF "UNK".
    A parameter with several values (TTYPE EFFICACY and SAFETY, one FCNTRY per country)
    gets TSSEQ 1, 2, ... in the order of study.yaml.
    """
    ct_version = _sdtm_ct_release(str(ct_version if ct_version is not None else load_ct().version))
    params = _derived_parameters(study, dm) + list(study.trial_summary)
    rows = []
    for p in params:
        version = p.version
        if version is None and p.ref == _CDISC_CT:
            version = ct_version
        rows.append({
            "STUDYID": study.studyid, "DOMAIN": "TS", "TSPARMCD": p.parmcd, "TSPARM": TS_PARAMETER_NAMES[p.parmcd],
            "TSVAL": p.value, "TSVALNF": p.null_flavor, "TSVALCD": p.code,
            "TSVCDREF": p.ref if (p.code is not None or p.ref not in (None, _CDISC_CT)) else None,
            "TSVCDVER": version if p.code is not None else None,
        })
    cols = ["STUDYID", "DOMAIN", "TSSEQ", "TSPARMCD", "TSPARM", "TSVAL", "TSVALNF", "TSVALCD", "TSVCDREF", "TSVCDVER"]
    frame = pd.DataFrame(rows)
    frame["TSSEQ"] = frame.groupby("TSPARMCD", sort=False).cumcount() + 1
    frame = frame.sort_values(["TSPARMCD", "TSSEQ"], kind="stable").reset_index(drop=True)
    frame = frame.loc[:, cols].astype({"TSSEQ": "int64"})
    for col in cols:
        if col != "TSSEQ":
            frame[col] = frame[col].astype("str").where(frame[col].notna(), None)
    overrides = _origins(frame, TSSEQ="Derived", TSVALCD="Assigned", TSVCDREF="Assigned", TSVCDVER="Assigned")
    if dm is not None:
        overrides["TSVAL"] = {"origin": "Protocol", "comment": "SSTDTC (earliest DM.RFICDTC) and ACTSUB "
                              "(subjects with DM.ARMCD) are derived from DM."}
    return build_dataset("TS", frame, overrides=overrides)


def build_trial_design(study: Study, *, ct_version: str | None = None,
                       dm: pd.DataFrame | None = None) -> dict[str, Dataset]:
    """All trial design datasets of the study, keyed by name (TA, TE, TV, TI, TS)."""
    return {
        "TA": build_ta(study),
        "TE": build_te(study),
        "TV": build_tv(study),
        "TI": build_ti(study),
        "TS": build_ts(study, ct_version=ct_version, dm=dm),
    }
