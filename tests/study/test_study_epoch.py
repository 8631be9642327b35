"""derive_epoch: the epoch of the SE element in force at a record's date, boundaries and partial dates."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.sdtm.epoch import derive_epoch, iso8601_bounds

SE = pd.DataFrame({
    "USUBJID": ["S1", "S1", "S1", "S1", "S2", "S2"],
    "SESTDTC": ["2024-01-02", "2024-01-20", "2024-04-13", "2024-07-05", "2024-03-01", "2024-03-10T10:30"],
    "SEENDTC": ["2024-01-20", "2024-04-13", "2024-07-05", "2024-08-10", "2024-03-10T10:30", "2024-06-01"],
    "EPOCH": ["SCREENING", "BLINDED TREATMENT", "OPEN LABEL TREATMENT", "FOLLOW-UP", "SCREENING", "BLINDED TREATMENT"],
})

CASES = [
    # (subject, date, epoch with boundary="later", epoch with boundary="earlier")
    ("S1", "2024-01-10", "SCREENING", "SCREENING"),
    ("S1", "2024-01-02", "SCREENING", "SCREENING"),                      # consent day: nothing precedes it
    ("S1", "2024-01-20", "BLINDED TREATMENT", "SCREENING"),              # first-dose day: boundary rule
    ("S1", "2024-04-13", "OPEN LABEL TREATMENT", "BLINDED TREATMENT"),   # first open-label dose day
    ("S1", "2024-04-13T08:00", "OPEN LABEL TREATMENT", "BLINDED TREATMENT"),  # date-only boundary: rule again
    ("S1", "2024-08-10", "FOLLOW-UP", "FOLLOW-UP"),                      # the last element includes its end
    ("S1", "2024-08-11", None, None),                                    # after the end of the last element
    ("S1", "2024-01-01", None, None),                                    # before informed consent
    ("S1", "2024-02", "BLINDED TREATMENT", "BLINDED TREATMENT"),         # whole month inside one element
    ("S1", "2024-04", None, None),                                       # month spans two elements
    ("S1", "2024", None, None),                                          # year spans all of them
    ("S1", None, None, None),
    ("S1", "not a date", None, None),
    ("S2", "2024-03-10T09:00", "SCREENING", "SCREENING"),                # pre-dose: times decide
    ("S2", "2024-03-10T10:30", "BLINDED TREATMENT", "SCREENING"),        # the exact instant
    ("S2", "2024-03-10T11:00", "BLINDED TREATMENT", "BLINDED TREATMENT"),
    ("S2", "2024-03-10", "BLINDED TREATMENT", "SCREENING"),              # date only on a timed boundary
    ("S3", "2024-03-10", None, None),                                    # a subject without SE
]


@pytest.mark.parametrize("boundary", ["later", "earlier"])
def test_boundaries_and_partial_dates(boundary):
    frame = pd.DataFrame({"USUBJID": [c[0] for c in CASES], "XXDTC": [c[1] for c in CASES]},
                         index=pd.Index(range(100, 100 + len(CASES))))
    got = derive_epoch(frame, "XXDTC", SE, boundary=boundary)
    expected = [c[2] if boundary == "later" else c[3] for c in CASES]
    assert list(got.index) == list(frame.index)
    assert [None if pd.isna(v) else v for v in got] == expected


def test_row_order_does_not_matter():
    frame = pd.DataFrame({"USUBJID": [c[0] for c in CASES], "XXDTC": [c[1] for c in CASES]})
    shuffled = frame.sample(frac=1, random_state=3)
    pd.testing.assert_series_equal(derive_epoch(shuffled, "XXDTC", SE).sort_index(), derive_epoch(frame, "XXDTC", SE))


def test_missing_column_is_named():
    with pytest.raises(KeyError, match="XXDTC"):
        derive_epoch(pd.DataFrame({"USUBJID": ["S1"]}), "XXDTC", SE)


def _reference_epoch(se: pd.DataFrame, subject: str, day: dt.date, boundary: str) -> str | None:
    """Row-by-row reference for full dates with date-only SE: the element in force on ``day``.

    "later": the last element starting on or before the day; "earlier": the last element
    starting strictly before it, or the first element on its own first day.
    """
    rows = list(se[se["USUBJID"] == subject].itertuples())
    found = None
    for r in rows:
        start = dt.date.fromisoformat(r.SESTDTC)
        if start < day or (start == day and (boundary == "later" or r is rows[0])):
            found = r
    if found is None or day > dt.date.fromisoformat(found.SEENDTC):
        return None
    return found.EPOCH


@pytest.mark.parametrize("boundary", ["later", "earlier"])
def test_matches_a_row_by_row_reference_on_random_data(boundary):
    rng = np.random.default_rng(7)
    epochs = ["SCREENING", "BLINDED TREATMENT", "OPEN LABEL TREATMENT", "FOLLOW-UP"]
    se_rows, records = [], []
    base = dt.date(2024, 1, 1)
    for s in range(40):
        lengths = rng.integers(1, 40, size=rng.integers(1, 5))
        start = base + dt.timedelta(days=int(rng.integers(0, 60)))
        for k, length in enumerate(lengths):
            end = start + dt.timedelta(days=int(length))
            se_rows.append((f"S{s}", start.isoformat(), end.isoformat(), epochs[k]))
            start = end
        for _ in range(15):
            records.append((f"S{s}", (base + dt.timedelta(days=int(rng.integers(-5, 120)))).isoformat()))
    se = pd.DataFrame(se_rows, columns=["USUBJID", "SESTDTC", "SEENDTC", "EPOCH"])
    frame = pd.DataFrame(records, columns=["USUBJID", "XXDTC"])
    got = derive_epoch(frame, "XXDTC", se, boundary=boundary)
    expected = [_reference_epoch(se, s, dt.date.fromisoformat(d), boundary) for s, d in records]
    assert [None if pd.isna(v) else v for v in got] == expected
    assert sum(e is not None for e in expected) > len(expected) / 4  # the data exercise placements


def test_iso8601_bounds():
    values = pd.Series(["2024", "2024-02", "2023-02", "2023-12", "2024-03-05", "2024-03-05T10", "2024-03-05T10:30",
                        "2024-03-05T10:30:15", "2024-02-30", "", None])
    lo, hi, precision = iso8601_bounds(values)
    us = pd.Timedelta(microseconds=1)
    ts = pd.Timestamp
    assert list(lo[:8]) == [ts("2024-01-01"), ts("2024-02-01"), ts("2023-02-01"), ts("2023-12-01"),
                            ts("2024-03-05"), ts("2024-03-05 10:00"), ts("2024-03-05 10:30"),
                            ts("2024-03-05 10:30:15")]
    assert list(hi[:8]) == [ts("2025-01-01") - us, ts("2024-03-01") - us, ts("2023-03-01") - us,
                            ts("2024-01-01") - us, ts("2024-03-06") - us, ts("2024-03-05 11:00") - us,
                            ts("2024-03-05 10:31") - us, ts("2024-03-05 10:30:16") - us]
    assert list(precision[:8]) == ["Y", "M", "M", "M", "D", "h", "m", "s"]
    assert lo[8:].isna().all() and hi[8:].isna().all() and precision[8:].isna().all()
