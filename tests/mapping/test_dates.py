"""Raw dates -> ISO 8601 (cdisc_dm.mapping.dates): formats, partial dates, impossible dates."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cdisc_dm.mapping.dates import IMPOSSIBLE, NO_YEAR, OK, UNPARSEABLE, check_format, parse_dates

MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
# each format with a writer that renders a Python date the way an EDC would (independent of the parser)
WRITERS = {
    "DD MMM YYYY": lambda d: f"{d.day:02d} {MONTHS[d.month - 1]} {d.year:04d}",
    "DD-MMM-YYYY": lambda d: f"{d.day:02d}-{MONTHS[d.month - 1].title()}-{d.year:04d}",
    "YYYY-MM-DD": lambda d: d.isoformat(),
    "DD/MM/YYYY": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}",
    "MM/DD/YYYY": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year:04d}",
}
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(dates, min_size=1, max_size=20), st.sampled_from(sorted(WRITERS)))
def test_valid_dates_round_trip_to_iso(values, fmt):
    raw = pd.Series([WRITERS[fmt](d) for d in values])
    iso, status = parse_dates(raw, [fmt])
    assert iso.tolist() == [d.isoformat() for d in values]
    assert (status == OK).all()


@settings(max_examples=40, deadline=None)
@given(dates, st.integers(0, 23), st.integers(0, 59))
def test_date_times_round_trip(day, hour, minute):
    raw = pd.Series([f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year} {hour:02d}:{minute:02d}"])
    iso, status = parse_dates(raw, ["DD-MMM-YYYY HH:MM"])
    assert iso[0] == dt.datetime(day.year, day.month, day.day, hour, minute).isoformat(timespec="minutes")
    assert status[0] == OK


def test_partial_dates_keep_their_precision():
    # SDTMIG 3.4 section 4.4.2: unknown parts are omitted from the right, never imputed
    raw = pd.Series(["UN JAN 2025", "UNK UNK 2024", "un feb 2023", "UN UNK 2024", "2024-UN-UN"])
    iso, status = parse_dates(raw, ["DD MMM YYYY", "YYYY-MM-DD"])
    assert iso.tolist() == ["2025-01", "2024", "2023-02", "2024", "2024"]
    assert (status == OK).all()


def test_impossible_dates_are_flagged_not_converted():
    raw = pd.Series(["31 FEB 2025", "29 FEB 2023", "29 FEB 2024", "00 JAN 2024", "15 XYZ 2024", "2024-13-01"])
    iso, status = parse_dates(raw, ["DD MMM YYYY", "YYYY-MM-DD"])
    assert status.tolist() == [IMPOSSIBLE, IMPOSSIBLE, OK, IMPOSSIBLE, IMPOSSIBLE, IMPOSSIBLE]
    assert iso.isna().tolist() == [True, True, False, True, True, True]
    assert iso[2] == "2024-02-29"  # 2024 is a leap year


def test_unparseable_unknown_year_and_empty():
    raw = pd.Series(["next tuesday", "UN UNK UNK", "", None, "  05 JAN 2025  "])
    iso, status = parse_dates(raw, ["DD MMM YYYY"])
    assert status.tolist() == [UNPARSEABLE, NO_YEAR, OK, OK, OK]
    assert iso.tolist()[4] == "2025-01-05"
    assert iso[:4].isna().all()


def test_first_matching_format_wins_and_time_needs_a_full_date():
    raw = pd.Series(["05/01/2025", "2025-01-05T13:45", "UN JAN 2025 13:45"])
    iso, _ = parse_dates(raw, ["DD/MM/YYYY", "YYYY-MM-DDTHH:MM", "DD MMM YYYY HH:MM"])
    assert iso.tolist() == ["2025-01-05", "2025-01-05T13:45", "2025-01"]


def test_impossible_time_is_flagged():
    iso, status = parse_dates(pd.Series(["05 JAN 2025 25:10", "05 JAN 2025 10:61"]), ["DD MMM YYYY HH:MM"])
    assert status.tolist() == [IMPOSSIBLE, IMPOSSIBLE]


def test_check_format_rejects_nonsense():
    assert check_format("DD MMM YYYY") is None
    assert "no YYYY" in check_format("DD MMM")
    assert "day but no month" in check_format("DD YYYY")


def test_parsing_is_per_distinct_value_and_keeps_alignment():
    raw = pd.Series(["05 JAN 2025"] * 1000 + ["31 FEB 2025"] * 3, index=np.arange(1003) * 2)
    iso, status = parse_dates(raw, ["DD MMM YYYY"])
    assert list(iso.index) == list(raw.index)
    assert int((status == IMPOSSIBLE).sum()) == 3


@settings(max_examples=60, deadline=None)
@given(dates, st.sampled_from(["day", "month"]), st.sampled_from(["UN", "UNK", "un"]))
def test_generated_partial_dates_truncate_from_the_right(day, unknown, marker):
    # SDTMIG 3.4 section 4.4.2: an unknown day gives YYYY-MM, an unknown month YYYY
    d = marker if unknown in ("day", "month") else f"{day.day:02d}"
    m = "UNK" if unknown == "month" else MONTHS[day.month - 1]
    iso, status = parse_dates(pd.Series([f"{d} {m} {day.year}"]), ["DD MMM YYYY"])
    expected = f"{day.year:04d}-{day.month:02d}" if unknown == "day" else f"{day.year:04d}"
    assert (iso[0], status[0]) == (expected, OK)
