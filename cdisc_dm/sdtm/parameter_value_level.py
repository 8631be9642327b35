"""Value-level metadata of the name/value datasets: SUPP-- QVAL per QNAM and TS TSVAL per TSPARMCD.

A SUPP-- dataset stores every supplemental qualifier in one QVAL column, and TS every trial summary
parameter in one TSVAL column; Define-XML 2.1 describes each with a value-level item (ValueListDef +
WhereClauseDef ``QNAM EQ x`` / ``TSPARMCD EQ x``) carrying its own label, data type, length and
origin. Everything comes from the data and its own metadata columns (QLABEL, QORIG, TSPARM), so the
define cannot drift from what the conversion wrote.

Example::

    package = parameter_value_level(package)
    package["SUPPDM"].variable("QVAL").value_level[0]   # ValueLevel(where={'QNAM': ('CHILDPOT',)}, label='Childbearing Potential', ...)
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..dataset import Dataset, Package, ValueLevel

__all__ = ["parameter_value_level", "value_level_by"]

# QORIG as written by sponsors -> Define-XML 2.1 origin type
_ORIGINS = {"CRF": "Collected", "COLLECTED": "Collected", "DERIVED": "Derived", "ASSIGNED": "Assigned",
            "PROTOCOL": "Protocol", "PREDECESSOR": "Predecessor", "EDT": "Collected"}


# Define-XML data types of text values, most specific first (Define-XML 2.1 section 4.3.1 data types)
_PATTERNS = (
    ("integer", r"[-+]?\d+"),
    ("float", r"[-+]?\d*\.\d+"),
    ("date", r"\d{4}-\d{2}-\d{2}"),
    ("durationDatetime", r"-?P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?"),
)


def _data_type(values: pd.Series) -> tuple[str, int | None]:
    """The most specific Define-XML data type every non-missing value fits, and float digits."""
    text = values.dropna().astype(str).str.strip()
    text = text[text.ne("")]
    for name, pattern in _PATTERNS:
        if len(text) and text.str.fullmatch(pattern).all():
            digits = int(text.str.extract(r"\.(\d+)$")[0].str.len().max()) if name == "float" else None
            return name, digits
    return "text", None


def value_level_by(ds: Dataset, key: str, value: str, *, label: str | None = None, origin: str | None = None) -> Dataset:
    """Attach one value-level item of ``value`` per distinct ``key`` (in sorted order) to ``ds``."""
    data = ds.data
    if key not in data or value not in data or data.empty:
        return ds
    var = ds.variable(value)
    items = []
    for name, group in data.groupby(key, sort=True):
        first = group.iloc[0]
        data_type, digits = _data_type(group[value])
        item_origin = _ORIGINS.get(str(first[origin]).strip().upper(), var.origin) if origin else var.origin
        items.append(ValueLevel(
            where={key: (str(name),)},
            label=str(first[label]) if label and pd.notna(first[label]) else None,
            type=data_type, significant_digits=digits, origin=item_origin,
            method=var.method if item_origin == "Derived" else None,
        ))
    ds.variables = [replace(v, value_level=tuple(items)) if v.name == value else v for v in ds.variables]
    return ds


def parameter_value_level(package: Package) -> Package:
    """Value-level items for QVAL of every SUPP-- dataset and for TS.TSVAL."""
    for ds in package:
        if ds.name.startswith("SUPP"):
            value_level_by(ds, "QNAM", "QVAL", label="QLABEL", origin="QORIG")
        elif ds.name == "TS":
            value_level_by(ds, "TSPARMCD", "TSVAL", label="TSPARM")
    return package
