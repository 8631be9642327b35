"""Finding values as JSON values and as display text.

Finding values come from the data under validation: anything a DataFrame cell can hold
(str, int, float NaN, numpy scalars, pandas NA/NaT/Timestamp). Every report renders them the
same way, so a value reads identically in the JSON, HTML and XLSX reports.

Example::

    >>> to_json_value(float("nan")) is None
    True
    >>> to_text(3.0), to_text(None), to_text("a\\x01b")
    ('3', 'null', 'a\\\\x01b')
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from typing import Any

__all__ = ["to_json_value", "to_text", "clean_text", "NULL_TEXT"]

NULL_TEXT = "null"  # how a missing value is shown (Pinnacle 21 shows "null" too)

# C0/C1 control characters (except tab, newline, carriage return) are invalid in XML 1.0
# (XLSX parts) and invisible in HTML; lone surrogates cannot be encoded as UTF-8. Both are
# shown as visible escapes so a reviewer sees that the data holds them.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@functools.lru_cache(maxsize=1 << 16)
def clean_text(text: str) -> str:
    """Replace control characters and lone surrogates by visible escapes (``\\x01``).

    Memoized: a report repeats the same few thousand texts (USUBJIDs, terms, dates) across
    millions of findings, and the dataset's equal values are one str object whose hash is kept.
    """
    return _UNSAFE.sub(_escape_char, text)


def _is_missing_marker(value: Any) -> bool:
    # pandas.NA and pandas.NaT, recognised by type name so the reports do not import pandas.
    return type(value).__name__ in ("NAType", "NaTType")


def to_json_value(value: Any) -> Any:
    """A JSON-serialisable, deterministic form of a finding value (recursively for containers)."""
    if value is None or _is_missing_marker(value):
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {clean_text(str(k)): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and type(value).__module__ == "numpy":
        return to_json_value(item())
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return clean_text(value.decode("utf-8", errors="backslashreplace"))
    return clean_text(str(value))


def to_text(value: Any) -> str:
    """Display text of a finding value: ``null`` for missing, integral floats without ``.0``."""
    value = to_json_value(value)
    if value is None:
        return NULL_TEXT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr is the shortest text that round-trips: 0.1 stays "0.1", 3.0 becomes "3".
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
