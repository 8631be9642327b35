"""SE (Subject Elements): each subject's actual elements, from DM, EX and DS.

SDTMIG 3.4 section 5.3. The elements a subject actually went through are rebuilt from
dates the trial collects, following the element start rules of the study definition:

* **Screening** (the first element of every arm) starts at informed consent (DM.RFICDTC)
  and ends at the first dose; a subject never dosed (screen failure, randomized but not
  treated) has only this element, ending at the end of participation.
* **Treatment elements** come from exposure. Each EX record belongs to a treatment period
  given by its category (EX.EXCAT by default), which study.yaml ties to an element per arm
  (``ex_category``). Without a category column, a dose belongs to the period its planned
  study day falls in (the elements' planned durations, from the first dose). A period
  starts at its first dose and ends where the next starts (the first open-label dose ends
  the blinded element); the last one ends one dosing interval after the last dose (the
  treatment's frequency in study.yaml: QOD is two days), when the next dose was due.
* **Follow-up** (the element after the arm's last treatment element) starts where the last
  treatment element ends and ends at the end of participation: DM.RFPENDTC, else the
  latest disposition event date in DS (DSCAT "DISPOSITION EVENT").
* Exposure the subject's arm does not plan (a period its arm lacks, or EXTRT other than the
  element's ``ex_treatment``) is an unplanned element: ETCD "UNPLAN", ELEMENT and TAETORD
  null, SEUPDES describing it (SDTMIG 3.4 SE: ETCD "UNPLAN", ELEMENT null, SEUPDES).

Elements are contiguous: SEENDTC of one element equals SESTDTC of the next (SDTMIG 3.4
section 5.3: a subject spends no time between elements). SESEQ follows time order. Dates
keep the precision collected. What cannot be placed is reported as an Issue in ``report``,
never silently dropped: SE001 no informed consent date, SE002 no arm and no common first
element, SE003 unreadable EXSTDTC, SE004 exposure of a subject missing from DM.

Example::

    report = Report()
    se = build_se(dm, ex, ds, study, report=report)
    lb["EPOCH"] = derive_epoch(lb, "LBDTC", se.data)
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..report import Issue, Report
from ..standards import build_dataset
from ..study import Study
from .epoch import iso8601_bounds

__all__ = ["build_se"]

_UNPLANNED = "UNPLAN"
_SE_COLUMNS = ["STUDYID", "DOMAIN", "USUBJID", "SESEQ", "ETCD", "ELEMENT", "TAETORD", "EPOCH",
               "SESTDTC", "SEENDTC", "SESTDY", "SEENDY", "SEUPDES"]


def _require(frame: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"build_se: {name} lacks columns {missing} (has {list(frame.columns)})")


def _days(duration: str | None) -> int | None:
    """Whole days of a simple ISO 8601 duration (PnW, PnD, PnWnD); None for others."""
    match = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?", duration or "")
    if not match or not any(match.groups()):
        return None
    return int(match.group(1) or 0) * 7 + int(match.group(2) or 0)


def _subject_arms(dm: pd.DataFrame, study: Study) -> pd.Series:
    """The arm each subject followed: ACTARMCD when it is a planned arm, else ARMCD, else NA."""
    codes = {a.armcd for a in study.arms}
    arm = pd.Series(pd.NA, index=dm.index, dtype="object")
    for col in ("ARMCD", "ACTARMCD"):  # later columns win
        if col in dm.columns:
            value = dm[col].astype("object")
            arm = arm.mask(value.isin(codes), value)
    return arm


def _period_table(study: Study) -> pd.DataFrame:
    """(ARMCD, period) -> planned ETCD, TAETORD, EPOCH, expected EXTRT."""
    rows = []
    for arm in study.arms:
        for order, etcd in enumerate(arm.elements, start=1):
            el = study.element(etcd)
            if el.ex_category is not None:
                rows.append({"_arm": arm.armcd, "_period": el.ex_category, "ETCD": etcd, "TAETORD": order,
                             "EPOCH": el.epoch, "_trt": el.ex_treatment})
    return pd.DataFrame(rows, columns=["_arm", "_period", "ETCD", "TAETORD", "EPOCH", "_trt"])


def _assign_periods_by_plan(ex: pd.DataFrame, arms: pd.Series, study: Study) -> pd.Series:
    """Period of each dose from its day since the subject's first dose and the planned durations."""
    st_lo, _, _ = iso8601_bounds(ex["EXSTDTC"])
    first = st_lo.groupby(ex["USUBJID"]).transform("min")
    day = (st_lo.dt.normalize() - first.dt.normalize()).dt.days
    period = pd.Series(pd.NA, index=ex.index, dtype="object")
    subj_arm = ex["USUBJID"].map(arms)
    for arm in study.arms:  # a handful of arms: the loop does not grow with subjects
        bounds, labels, offset = [], [], 0
        for etcd in arm.elements:
            el = study.element(etcd)
            if el.ex_category is None:
                continue
            labels.append(el.ex_category)
            length = _days(el.duration)
            offset += length if length is not None else 10**9
            bounds.append(offset)
        if not labels:
            continue
        sel = (subj_arm == arm.armcd) & day.notna()
        idx = np.searchsorted(np.asarray(bounds[:-1], dtype=float), day[sel].to_numpy(dtype=float), side="right")
        period.loc[sel] = np.asarray(labels, dtype=object)[idx]
    return period


def build_se(
    dm: pd.DataFrame,
    ex: pd.DataFrame,
    ds: pd.DataFrame | None,
    study: Study,
    *,
    period_col: str = "EXCAT",
    report: Report | None = None,
) -> Dataset:
    """Subject Elements of every subject in ``dm`` (SDTM DM, EX and DS frames; see module docstring).

    ``dm`` needs USUBJID and RFICDTC (ARMCD/ACTARMCD, RFSTDTC, RFPENDTC, STUDYID used when
    present); ``ex`` needs USUBJID and EXSTDTC (EXENDTC, EXTRT and ``period_col`` used when
    present); ``ds`` may be None or have USUBJID and DSSTDTC (DSCAT used when present).
    """
    _require(dm, "DM", ("USUBJID", "RFICDTC"))
    _require(ex, "EX", ("USUBJID", "EXSTDTC"))
    if ds is not None:
        _require(ds, "DS", ("USUBJID", "DSSTDTC"))
    studyid = study.studyid
    subjects = dm.drop_duplicates("USUBJID").set_index("USUBJID", drop=False)
    arms = _subject_arms(subjects, study)

    # --- end of participation --------------------------------------------------------
    eos = pd.Series(pd.NA, index=subjects.index, dtype="object")
    if ds is not None and len(ds):
        disp = ds
        if "DSCAT" in ds.columns:
            disp = ds[ds["DSCAT"].astype("object") == "DISPOSITION EVENT"]
        lo, _, _ = iso8601_bounds(disp["DSSTDTC"])
        latest = disp.assign(_lo=lo).dropna(subset=["_lo"]).sort_values("_lo", kind="stable") \
            .drop_duplicates("USUBJID", keep="last").set_index("USUBJID")["DSSTDTC"]
        eos = eos.fillna(latest.reindex(eos.index).astype("object"))
    if "RFPENDTC" in subjects.columns:
        eos = subjects["RFPENDTC"].astype("object").where(subjects["RFPENDTC"].notna(), eos)

    # --- treatment periods -------------------------------------------------------------
    issues: list[Issue] = []
    strangers = ex.loc[~ex["USUBJID"].isin(subjects.index), "USUBJID"].dropna().unique()
    issues.extend(Issue("SE004", "exposure of a subject who is not in DM is not in SE", dataset="EX",
                        variable="USUBJID", value=str(s)) for s in strangers)
    dosed = ex[ex["USUBJID"].isin(subjects.index) & ex["EXSTDTC"].notna()].copy()
    if period_col in dosed.columns:
        dosed["_period"] = dosed[period_col].astype("object")
    else:
        dosed["_period"] = _assign_periods_by_plan(dosed, arms, study)
    st_lo, _, _ = iso8601_bounds(dosed["EXSTDTC"])
    end_text = dosed["EXENDTC"].astype("object").where(dosed["EXENDTC"].notna(), dosed["EXSTDTC"]) \
        if "EXENDTC" in dosed.columns else dosed["EXSTDTC"].astype("object")
    _, en_hi, _ = iso8601_bounds(end_text)
    dosed = dosed.assign(_st=st_lo, _en=en_hi.fillna(st_lo), _end_text=end_text)
    unreadable = dosed[dosed["_st"].isna()]
    issues.extend(Issue("SE003", "EXSTDTC is not an ISO 8601 date; the dose is not used for SE", dataset="EX",
                        variable="EXSTDTC", value=f"{s}: {v}")
                  for s, v in zip(unreadable["USUBJID"], unreadable["EXSTDTC"]))
    dosed = dosed[dosed["_st"].notna()]
    dosed["_arm"] = dosed["USUBJID"].map(arms)
    plan = _period_table(study)
    dosed = dosed.merge(plan, on=["_arm", "_period"], how="left", sort=False)
    trt_ok = pd.Series(True, index=dosed.index)
    if "EXTRT" in dosed.columns:
        expected = dosed["_trt"].astype("str").str.upper()
        given = dosed["EXTRT"].astype("str").str.upper()
        trt_ok = expected.isna() | (given == expected).fillna(False)
    dosed["_planned"] = dosed["ETCD"].notna() & trt_ok

    key = ["USUBJID", "_period"]
    dosed = dosed.sort_values(["USUBJID", "_st"], kind="stable")
    first = dosed.drop_duplicates(key, keep="first").set_index(key)
    last = dosed.sort_values(["USUBJID", "_en"], kind="stable").drop_duplicates(key, keep="last").set_index(key)
    planned = dosed.groupby(key, sort=False, dropna=False)["_planned"].all()
    periods = first[["_st", "EXSTDTC", "ETCD", "TAETORD", "EPOCH", "_arm"]].copy()
    # A subject's last treatment element lasts one dosing interval past the last dose (QOD: two
    # days, the day the next dose was due); follow-up begins then. A record on a day the last
    # dose still covers is on treatment.
    interval = periods["ETCD"].map(_interval_days(study)).fillna(1).astype("int64")
    periods["_last_end"] = _shift_days(last["_end_text"].reindex(periods.index), interval)
    periods["_planned"] = planned.reindex(periods.index)
    if "EXTRT" in first.columns:
        periods["_extrt"] = first["EXTRT"]
    periods = periods.reset_index().sort_values(["USUBJID", "_st"], kind="stable")
    # Contiguity: a period ends where the subject's next period starts; the last at the last dose.
    next_start = periods.groupby("USUBJID", sort=False)["EXSTDTC"].shift(-1)
    periods["SESTDTC"] = periods["EXSTDTC"].astype("object")
    periods["SEENDTC"] = next_start.astype("object").where(next_start.notna(), periods["_last_end"])
    unplanned = ~periods["_planned"].astype(bool)
    epoch_by_period = plan.drop_duplicates("_period").set_index("_period")["EPOCH"]
    periods.loc[unplanned, "EPOCH"] = periods.loc[unplanned, "_period"].map(epoch_by_period)
    periods.loc[unplanned, "TAETORD"] = np.nan
    periods["SEUPDES"] = None
    what = periods.get("_extrt", pd.Series("study drug", index=periods.index)).astype("object").fillna("study drug")
    periods.loc[unplanned, "SEUPDES"] = ("Unplanned: " + what[unplanned] + " during "
                                         + periods.loc[unplanned, "_period"].astype("object").fillna("unknown period")
                                         .str.lower() + " treatment")
    periods.loc[unplanned, "ETCD"] = _UNPLANNED
    periods["ELEMENT"] = periods["ETCD"].map({e.etcd: e.element for e in study.elements})

    # --- screening and follow-up -------------------------------------------------------
    first_dose = periods.drop_duplicates("USUBJID", keep="first").set_index("USUBJID")["SESTDTC"]
    treatment_end = periods.drop_duplicates("USUBJID", keep="last").set_index("USUBJID")["SEENDTC"]
    screen_etcd = {arm.armcd: arm.elements[0] for arm in study.arms}
    common_first = {arm.elements[0] for arm in study.arms}
    default_screen = study.arms[0].elements[0] if len(common_first) == 1 else None
    scr = pd.DataFrame({"USUBJID": subjects.index, "SESTDTC": subjects["RFICDTC"].astype("object").to_numpy()})
    scr["ETCD"] = arms.map(screen_etcd).reindex(subjects.index).fillna(default_screen).to_numpy()
    dose_start = first_dose.reindex(subjects.index)
    scr["SEENDTC"] = dose_start.astype("object").where(dose_start.notna(), eos).to_numpy()
    scr["TAETORD"] = 1.0
    no_consent = scr["SESTDTC"].isna()
    issues.extend(Issue("SE001", "no informed consent date (DM.RFICDTC): the screening element cannot start "
                        "and is left out of SE", dataset="DM", variable="RFICDTC", value=str(subj))
                  for subj in scr.loc[no_consent, "USUBJID"])
    no_element = ~no_consent & scr["ETCD"].isna()
    issues.extend(Issue("SE002", "the subject has no planned arm and the arms start with different elements: "
                        "the screening element is unknown and left out of SE", dataset="DM", variable="ARMCD",
                        value=str(subj)) for subj in scr.loc[no_element, "USUBJID"])
    if report is not None:
        report.extend(issues)
    scr = scr[~no_consent & ~no_element]

    fu_of_arm: dict[str, tuple[str, int]] = {}
    for arm in study.arms:
        treat = [i for i, etcd in enumerate(arm.elements) if study.element(etcd).ex_category is not None]
        if treat and treat[-1] + 1 < len(arm.elements):
            fu_of_arm[arm.armcd] = (arm.elements[treat[-1] + 1], treat[-1] + 2)
    fu_choices = set(fu_of_arm.values())
    default_fu = next(iter(fu_choices)) if len(fu_choices) == 1 else (None, None)
    fu = pd.DataFrame({"USUBJID": treatment_end.index, "SESTDTC": treatment_end.astype("object").to_numpy()})
    fu_arm = fu["USUBJID"].map(arms)
    fu["ETCD"] = fu_arm.map({k: v[0] for k, v in fu_of_arm.items()}).fillna(default_fu[0])
    fu["TAETORD"] = fu_arm.map({k: float(v[1]) for k, v in fu_of_arm.items()}).fillna(
        np.nan if default_fu[1] is None else float(default_fu[1]))
    fu["SEENDTC"] = fu["USUBJID"].map(eos)
    # Follow-up exists only when participation ended after the last dose.
    fu_start_lo = iso8601_bounds(fu["SESTDTC"])[0]
    fu_end_lo = iso8601_bounds(fu["SEENDTC"])[0]
    fu = fu[fu["ETCD"].notna() & (fu_end_lo >= fu_start_lo)]

    epoch_of = {e.etcd: e.epoch for e in study.elements}
    element_of = {e.etcd: e.element for e in study.elements}
    for part in (scr, fu):
        part["EPOCH"] = part["ETCD"].map(epoch_of)
        part["ELEMENT"] = part["ETCD"].map(element_of)
        part["SEUPDES"] = None
    cols = ["USUBJID", "ETCD", "ELEMENT", "TAETORD", "EPOCH", "SESTDTC", "SEENDTC", "SEUPDES"]
    se = pd.concat([scr[cols].assign(_rank=0), periods[cols].assign(_rank=1), fu[cols].assign(_rank=2)],
                   ignore_index=True)
    se["_st"] = iso8601_bounds(se["SESTDTC"])[0]
    se = se.sort_values(["USUBJID", "_rank", "_st"], kind="stable").reset_index(drop=True)
    se["SESEQ"] = se.groupby("USUBJID", sort=False).cumcount() + 1
    se["STUDYID"] = (subjects["STUDYID"].reindex(se["USUBJID"]).to_numpy()
                     if "STUDYID" in subjects.columns else studyid)
    se["DOMAIN"] = "SE"
    se["SESTDY"], se["SEENDY"] = _study_days(se, subjects)
    se = se.loc[:, _SE_COLUMNS]
    se = se.astype({"SESEQ": "int64", "TAETORD": "float64", "SESTDY": "float64", "SEENDY": "float64"})
    for col in ("STUDYID", "DOMAIN", "USUBJID", "ETCD", "ELEMENT", "EPOCH", "SESTDTC", "SEENDTC", "SEUPDES"):
        se[col] = se[col].astype("object").where(se[col].notna(), None).astype("str")
    overrides = {c: {"origin": "Derived"} for c in _SE_COLUMNS}
    overrides["STUDYID"] = {"origin": "Assigned"}
    overrides["DOMAIN"] = {"origin": "Assigned"}
    overrides["SESTDTC"]["method"] = ("Screening starts at informed consent (DM.RFICDTC); a treatment element at "
                                      "the first dose of its period (EX.EXSTDTC); follow-up one dosing interval "
                                      "after the last dose.")
    overrides["SEENDTC"]["method"] = ("The start of the subject's next element; the last treatment element ends one "
                                      "dosing interval after the last dose (QOD: 2 days), the last element at the end "
                                      "of participation (DM.RFPENDTC or the latest DS disposition event date).")
    return build_dataset("SE", se, overrides=overrides)


# Dosing interval in days of CDISC CT FREQ (C71113) terms; other frequencies count as one day.
_FREQ_DAYS = {"QD": 1, "BID": 1, "TID": 1, "QID": 1, "ONCE": 1, "PRN": 1, "QOD": 2}


def _interval_days(study: Study) -> dict[str, int]:
    """ETCD -> dosing interval (days) of the treatment its exposure is planned to be."""
    out = {}
    for el in study.elements:
        if el.ex_treatment is None:
            continue
        try:
            frequency = study.treatment(el.ex_treatment).frequency
        except KeyError:
            continue
        out[el.etcd] = _FREQ_DAYS.get(frequency, 1)
    return out


def _shift_days(text: pd.Series, days: pd.Series) -> pd.Series:
    """ISO 8601 date/times ``days`` later, keeping their precision; partial dates unchanged."""
    lo, _, precision = iso8601_bounds(text)
    later = lo + pd.to_timedelta(days.to_numpy(), unit="D")
    out = text.astype("object").copy()
    for code, fmt in (("D", "%Y-%m-%d"), ("h", "%Y-%m-%dT%H"), ("m", "%Y-%m-%dT%H:%M"), ("s", "%Y-%m-%dT%H:%M:%S")):
        sel = (precision == code).to_numpy()
        if sel.any():
            out[sel] = later[sel].dt.strftime(fmt).to_numpy()
    return out


def _study_days(se: pd.DataFrame, subjects: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """SESTDY/SEENDY from DM.RFSTDTC (SDTMIG 3.4 section 4.4.4: no day 0), for full dates only."""
    nan = pd.Series(np.nan, index=se.index)
    if "RFSTDTC" not in subjects.columns:
        return nan, nan.copy()
    ref_lo, _, ref_p = iso8601_bounds(subjects["RFSTDTC"].reindex(se["USUBJID"]).reset_index(drop=True))
    ref = ref_lo.dt.normalize().where(ref_p.isin(["D", "h", "m", "s"]))
    ref.index = se.index
    out = []
    for col in ("SESTDTC", "SEENDTC"):
        lo, _, p = iso8601_bounds(se[col])
        diff = (lo.dt.normalize() - ref).dt.days.where(p.isin(["D", "h", "m", "s"]))
        out.append(diff.where(diff < 0, diff + 1).astype("float64"))
    return out[0], out[1]
