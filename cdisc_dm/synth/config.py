"""The knobs of the synthetic export: trial behaviour and the messiness of the files.

Every rate the generator uses lives here, so the documentation (docs/raw-export.md) and
the tests read the same numbers the generator used::

    >>> from cdisc_dm.synth.config import MessRates, TrialRates
    >>> MessRates().missed_visit
    0.04
    >>> TrialRates().discontinuation
    0.1
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

__all__ = ["MessRates", "TrialRates", "DATE_STYLES"]

# How a site writes a complete date in the EDC. "crf" is the EDC's own DD MMM YYYY.
DATE_STYLES = {"crf": "DD MMM YYYY", "iso": "YYYY-MM-DD", "dmy": "DD/MM/YYYY"}


@dataclass(frozen=True)
class MessRates:
    """How messy the export is. Each rate is a probability per the unit named in its comment."""

    # Dates --------------------------------------------------------------------------
    # per AE/CM start or end date that is given: day unknown (UN MMM YYYY) ...
    partial_day: float = 0.08
    # ... or day and month unknown (UN UNK YYYY); exclusive of partial_day
    partial_month: float = 0.03
    # per date of birth: day unknown / day and month unknown (exclusive)
    birth_partial_day: float = 0.15
    birth_partial_month: float = 0.05
    # site -> date style for complete dates; sites not listed use the CRF style DD MMM YYYY
    site_date_style: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({"04": "iso", "07": "dmy"}))
    # per complete date at a CRF-style site: entered in ISO style instead
    date_style_slip: float = 0.02
    # Text ---------------------------------------------------------------------------
    # per coded CRF text value (SEX, RACE, ETHNIC, AESEV, AEREL, AEOUT, CMROUTE, VISYN, ...):
    # written as a case or synonym variant (F, female, FEMALE, ...) instead of the CRF value
    text_variant: float = 0.10
    # per free-text value (AETERM, CMTRT, CMINDC, RACEOTH, DSREASSP, EXADJ, HAQAIDOS): trailing spaces
    trailing_space: float = 0.05
    # Visits and pages ---------------------------------------------------------------
    # per planned visit Week 2 .. Week 24 before the subject's last contact: missed (VISYN=No)
    missed_visit: float = 0.04
    # per attended visit Week 2 .. Follow-up: outside its window (by 1-10 days)
    out_of_window: float = 0.06
    # unscheduled visits per randomized subject (Poisson mean)
    unscheduled_mean: float = 0.3
    # per expected MMT8/HAQ/VAS page at an attended visit after Day 1: page missing
    missing_page: float = 0.03
    # per HAQ item at a present page: left blank
    haq_item_blank: float = 0.01
    # Lab ----------------------------------------------------------------------------
    # per lab result after screening: not done (RESULT empty, NOTDONE=Y, NDREASON given)
    lab_not_done: float = 0.02
    # per lab record: delivered twice (exact duplicate record right after the first)
    lab_duplicate: float = 0.005

    def as_dict(self) -> dict:
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = dict(value) if isinstance(value, Mapping) else value
        return out


@dataclass(frozen=True)
class TrialRates:
    """How the trial behaves (clinical, not data-quality)."""

    # probability that a screened subject fails screening (screened ~ N / (1 - rate) = 1.25 N)
    screen_fail: float = 0.20
    # probability that a screen failure fails a second criterion as well
    second_failure: float = 0.15
    # probability that a randomized subject discontinues early
    discontinuation: float = 0.10
    # block size of the per-site permuted-block randomization (1:1)
    block_size: int = 4
    # share of randomized subjects enrolled on the cutaneous route of the active-disease definition
    skin_route: float = 0.15
    # first subject screened
    first_screening: str = "2024-03-04"
    # enrolment period in days
    enrolment_days: int = 540
