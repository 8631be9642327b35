"""CDISC Dataset-JSON 1.1: write and read ``.json`` and ``.ndjson`` datasets.

Layout (Dataset-JSON v1.1 specification): top-level attributes in the documented order
(datasetJSONCreationDateTime, datasetJSONVersion, fileOID, dbLastModifiedDateTime,
originator, sourceSystem{name, version}, studyOID, metaDataVersionOID, metaDataRef,
itemGroupOID, records, name, label, columns, rows); each column has itemOID, name,
label, dataType, targetDataType, length, displayFormat, keySequence in that order. The
NDJSON form puts the metadata object on line 1 and one row array per following line.
Files are checked in the tests against ``specs/schemas/dataset-json-1.1.schema.json``.

How a :class:`~cdisc_dm.dataset.Variable` becomes a column:

=========================================  ============  ==============  =====================
variable                                   dataType      targetDataType  JSON value
=========================================  ============  ==============  =====================
Char (``data_type`` date/datetime/time,    string, date, -               string, NA -> null,
partialDate.., URI, else text)             datetime, ..                  "" stays ""
Num with a SAS date/datetime/time format   date, ...     integer         ISO 8601 string
Num, ``data_type`` integer, or whole       integer       -               integer
numbers when ``data_type`` is not set
Num, ``data_type`` decimal                 decimal       decimal         string (repr)
other Num                                  float/double  -               number (shortest
                                                                         round-trip repr)
=========================================  ============  ==============  =====================

Output is deterministic: attribute order fixed, floats in Python's shortest round-trip
form, no time read from the clock (``creation_datetime`` is an argument).

Example::

    write_dataset_json(dm, "sdtm/dm.json", study_oid="IL2DM-PKU-301", metadata_version_oid="MDV.1",
                       creation_datetime=datetime(2026, 11, 29, 8, 0))
    dm_again = read_dataset_json("sdtm/dm.json")
"""
from __future__ import annotations

import gc
import json
import os
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..dataset import Dataset, Variable
from ..errors import Location, OutputError, RawInputError
from ..resources import specs_dir
from ._columns import SAS_EPOCH, char_values, fail, first_row, format_kind, numeric_values, parse_display_format, show, text_codes
from .oids import item_group_oid, item_oid

__all__ = ["write_dataset_json", "read_dataset_json", "dataset_json_schema", "DATASET_JSON_VERSION"]

DATASET_JSON_VERSION = "1.1.0"
_CHUNK_ROWS = 50_000  # rows encoded per step: bounds memory of the per-value JSON tokens
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(([+-]\d{2}:\d{2})|Z)?")
# Define-XML 2.1 data types of character variables -> Dataset-JSON logical dataType
_CHAR_DATA_TYPES = {
    "date": "date", "partialDate": "date",
    "datetime": "datetime", "partialDatetime": "datetime", "incompleteDatetime": "datetime",
    "time": "time", "partialTime": "time",
    "URI": "URI",
}
_NUMERIC_JSON_TYPES = {"integer", "float", "double", "decimal", "boolean"}
_ALL_JSON_TYPES = {"string", "integer", "decimal", "float", "double", "boolean", "datetime", "date", "time", "URI"}


def dataset_json_schema() -> dict:
    """The project's JSON Schema for Dataset-JSON 1.1 (``specs/schemas/dataset-json-1.1.schema.json``).

    >>> jsonschema.validate(json.loads(Path("dm.json").read_text()), dataset_json_schema())  # doctest: +SKIP
    """
    return json.loads((specs_dir() / "schemas" / "dataset-json-1.1.schema.json").read_text(encoding="utf-8"))


def _timestamp(value: datetime | str, what: str) -> str:
    text = value if isinstance(value, str) else value.isoformat(timespec="seconds" if not value.microsecond else "auto")
    if not _DATETIME_RE.fullmatch(text):
        raise OutputError(f"{what} {text!r} is not an ISO 8601 date-time YYYY-MM-DDThh:mm:ss[.n][(+|-)hh:mm|Z]")
    return text


# ---------------------------------------------------------------- encoding columns
#
# Rows are assembled column-wise: every column becomes JSON tokens (string literals,
# numbers, "null"), and rows are the tokens joined with ", ". With pyarrow (the storage of
# pandas' "str" dtype) the joins run in Arrow's C++ kernels and the file is written from
# Arrow buffers; without it, map/zip/str.join do the same in C. Both give the same bytes.

def _pyarrow():
    try:
        import pyarrow
        import pyarrow.compute
    except ImportError:  # pyarrow is optional; the pure-Python path below is slower, same bytes
        return None
    return pyarrow


_PA = _pyarrow()
_ENCODE_STRING = json.JSONEncoder(ensure_ascii=False).encode


def _string_tokens(text: pd.Series, coded: tuple[np.ndarray, pd.Series] | None = None):
    """JSON string literals for a column, "null" for NA: json.dumps(ensure_ascii=False) of each value.

    Each distinct value is encoded once (clinical columns repeat few values) and rows take
    their literal by code, so the JSON escaping is the standard library's own. ``coded`` is
    the column's :func:`~cdisc_dm.io._columns.text_codes` when already known.
    """
    codes, uniques = coded if coded is not None else text_codes(text)
    literals = list(map(_ENCODE_STRING, uniques.tolist())) + ["null"]
    codes = np.where(codes < 0, len(literals) - 1, codes)
    if _PA is not None:
        # taken slice by slice (see _Encoded.slice): the literals of a whole large column are
        # never built at once
        return _Coded(_PA.array(literals, type=_PA.large_string()), codes)
    return np.array(literals, dtype=object)[codes]


class _Coded:
    """A column's JSON literals as distinct literals plus a code per row."""

    def __init__(self, literals, codes: np.ndarray):
        self.literals, self.codes = literals, codes

    def __getitem__(self, rows: slice):
        return self.literals.take(_PA.array(self.codes[rows]))


def _number_tokens(values: np.ndarray, integral: bool):
    """JSON numbers, "null" for NaN; json.dumps formats floats with repr (shortest round trip)."""
    if not len(values):
        return []
    missing = np.isnan(values)
    filled = np.where(missing, 0.0, values)
    if _PA is not None and not (np.signbit(filled) & (filled == 0)).any():
        # Arrow's integer-to-text cast writes the digits str(int) writes; a float column is
        # encoded once per distinct value (json.dumps on those), then taken by code. -0.0
        # equals 0.0 but prints differently: such a column takes the per-value path below.
        pa = _PA
        if integral:
            tokens = pa.array(filled.astype(np.int64)).cast(pa.large_string())
        else:
            uniques, codes = np.unique(filled, return_inverse=True)
            literals = pa.array(json.dumps(uniques.tolist())[1:-1].split(", "), type=pa.large_string())
            tokens = literals.take(pa.array(codes.reshape(-1)))
        if missing.any():
            tokens = pa.compute.if_else(pa.array(missing), pa.scalar("null", pa.large_string()), tokens)
        return tokens
    items = filled.astype(np.int64).tolist() if integral else filled.tolist()
    # numbers never contain ", ", json.dumps's item separator, so splitting is exact
    tokens = np.array(json.dumps(items)[1:-1].split(", "), dtype=object)
    tokens[missing] = "null"
    return tokens.tolist()


def _repeated_number_tokens(values: np.ndarray, integral: bool):
    """:func:`_number_tokens` of a column repeating few values (--SEQ, VISITNUM, --DY, scored
    results), or None: each distinct bit pattern is written once (so -0.0 and 0.0 stay apart,
    as the per-value route keeps them) and rows take their literal by code."""
    if _PA is None or not len(values):
        return None
    codes, bits = pd.factorize(np.ascontiguousarray(values, dtype=np.float64).view(np.uint64))
    if len(bits) * 2 >= len(values):
        return None  # mostly distinct values: encoded a slice at a time
    distinct = np.asarray(bits, dtype=np.uint64).view(np.float64)
    missing = np.isnan(distinct)
    filled = np.where(missing, 0.0, distinct)
    items = filled.astype(np.int64).tolist() if integral else filled.tolist()
    # numbers never contain ", ", json.dumps's item separator, so splitting is exact
    literals = np.array(json.dumps(items)[1:-1].split(", "), dtype=object)
    literals[missing] = "null"
    return _Coded(_PA.array(literals.tolist(), type=_PA.large_string()), codes.astype(np.int32))


class _Encoded:
    """One column: its metadata object and its JSON tokens for a slice of rows."""

    def __init__(self, column: dict, *, tokens=None, numbers: np.ndarray | None = None, integral: bool = False):
        if numbers is not None and tokens is None:
            tokens = _repeated_number_tokens(numbers, integral)
            numbers = None if tokens is not None else numbers
        self.column, self._tokens, self._numbers, self._integral = column, tokens, numbers, integral

    def slice(self, start: int, stop: int):
        if self._tokens is not None:
            return self._tokens[start:stop]
        tokens = _number_tokens(self._numbers[start:stop], self._integral)
        return _PA.array(tokens, type=_PA.large_string()) if _PA is not None and isinstance(tokens, list) else tokens


def _row_bytes(columns: list[_Encoded], start: int, stop: int, ndjson: bool) -> bytes | memoryview:
    """Rows start..stop as UTF-8: NDJSON '[...]\\n' per row; JSON ',\\n[...]' per row."""
    parts = [c.slice(start, stop) for c in columns]
    prefix, suffix = ("[", "]\n") if ndjson else (",\n[", "]")
    if _PA is None:
        return (prefix + (suffix + prefix).join(map(", ".join, zip(*parts))) + suffix).encode("utf-8")
    pa, pc = _PA, _PA.compute
    text = lambda value: pa.scalar(value, pa.large_string())  # noqa: E731
    rows = pc.binary_join_element_wise(*parts, text(", "))
    lines = pc.binary_join_element_wise(text(prefix), rows, text(suffix), text(""))
    _, offsets_buf, data_buf = lines.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    return memoryview(data_buf)[offsets[0] : offsets[-1]]


def _iso_strings(ds: Dataset, path: Path, var: Variable, values: np.ndarray, kind: str) -> pd.Series:
    """SAS date/datetime/time numbers as ISO 8601 strings (Dataset-JSON 1.1, Date/Time Variables)."""
    whole = np.isnan(values) | (values == np.floor(values))
    if not whole.all():
        row = first_row(~whole)
        unit = "days" if kind == "date" else "seconds"
        fail(ds, path, f"value {float(values[row])!r} is not a whole number of {unit}, as a SAS {kind} with display "
             f"format {var.display_format!r} must be", variable=var.name, row=row + 1)
    if kind == "time":
        outside = ~np.isnan(values) & ((values < 0) | (values >= 86400))
        if outside.any():
            row = first_row(outside)
            fail(ds, path, f"value {float(values[row])!r} is not a time of day (0 to 86399 seconds), as a SAS time "
                 f"with display format {var.display_format!r} must be", variable=var.name, row=row + 1)
        stamps = pd.Timestamp("2000-01-01") + pd.to_timedelta(values, unit="s")
        return pd.Series(stamps.strftime("%H:%M:%S"), dtype=object).where(~np.isnan(values), None)
    unit = "D" if kind == "date" else "s"
    stamps = SAS_EPOCH + pd.to_timedelta(values, unit=unit)
    text = stamps.strftime("%Y-%m-%d" if kind == "date" else "%Y-%m-%dT%H:%M:%S")
    return pd.Series(text, dtype=object).where(~np.isnan(values), None)


def _encode_column(ds: Dataset, path: Path, var: Variable, key_sequence: dict[str, int],
                   cache: dict | None = None) -> _Encoded:
    series = ds.data[var.name]
    column: dict = {"itemOID": item_oid(ds.name, var.name), "name": var.name, "label": var.label or ""}
    fmt_name = parse_display_format(ds, path, var)[0]
    encoded: _Encoded
    if var.type == "Char":
        text = char_values(ds, path, var, series)
        coded = text_codes(text, cache, var.name)
        codes, distinct = coded
        # lengths per distinct value (characters), each record's by code; NA counts 0
        lengths = np.append(distinct.str.len().to_numpy(dtype=np.float64, na_value=0.0), 0.0)
        if var.length is not None and (lengths > var.length).any():
            row = first_row((lengths > var.length)[codes])
            fail(ds, path, f"value {show(text.iloc[row])} has {int(lengths[codes[row]])} characters, over the declared "
                 f"length {var.length}", variable=var.name, row=row + 1)
        column["dataType"] = _CHAR_DATA_TYPES.get(var.data_type or "", "string")
        column["length"] = var.length if var.length is not None else max(1, int(lengths.max(initial=0)))
        encoded = _Encoded(column, tokens=_string_tokens(text, coded))
    elif var.type == "Num":
        values = numeric_values(ds, path, var, series)
        infinite = np.isinf(values)
        if infinite.any():
            row = first_row(infinite)
            fail(ds, path, f"value {float(values[row])!r} has no JSON representation", variable=var.name, row=row + 1)
        kind = format_kind(fmt_name)
        present = values[~np.isnan(values)]
        whole = bool(np.all(present == np.floor(present)) and np.all(np.abs(present) <= 2.0**53))
        if kind is not None:
            column["dataType"], column["targetDataType"] = kind, "integer"
            encoded = _Encoded(column, tokens=_string_tokens(_iso_strings(ds, path, var, values, kind)))
        elif var.data_type == "decimal":
            column["dataType"], column["targetDataType"] = "decimal", "decimal"
            text = pd.Series(values, dtype=object).map(repr).where(~np.isnan(values), None)
            encoded = _Encoded(column, tokens=_string_tokens(text))
        elif var.data_type == "integer" or (var.data_type is None and whole and present.size):
            if not whole:
                row = first_row(~np.isnan(values) & (values != np.floor(values)))
                fail(ds, path, f"value {float(values[row])!r} is not an integer but the variable's data type is "
                     "integer", variable=var.name, row=row + 1)
            column["dataType"] = "integer"
            encoded = _Encoded(column, numbers=values, integral=True)
        else:
            column["dataType"] = "double" if var.data_type == "double" else "float"
            encoded = _Encoded(column, numbers=values)
    else:
        fail(ds, path, f"has type {var.type!r}; expected Num or Char", variable=var.name)
    if var.display_format:
        column["displayFormat"] = var.display_format
    if var.name in key_sequence:
        column["keySequence"] = key_sequence[var.name]
    # the specification's attribute order
    order = ("itemOID", "name", "label", "dataType", "targetDataType", "length", "displayFormat", "keySequence")
    encoded.column = {k: column[k] for k in order if k in column}
    return encoded


def write_dataset_json(
    ds: Dataset,
    path: str | os.PathLike,
    *,
    study_oid: str,
    metadata_version_oid: str,
    creation_datetime: datetime | str,
    ndjson: bool = False,
    metadata_ref: str | None = None,
    _text_cache: dict | None = None,
    originator: str = "cdisc_dm",
    source_system: tuple[str, str] | None = ("cdisc_dm", __version__),
    file_oid: str | None = None,
    db_last_modified_datetime: datetime | str | None = None,
) -> Path:
    """Write ``ds`` as Dataset-JSON 1.1 (``ndjson=True``: the NDJSON form); return the path.

    ``metadata_ref`` is the (relative) URI of the Define-XML, e.g. ``"define.xml"``. Raises
    OutputError naming dataset, variable and row for values the declared metadata cannot hold.
    ``_text_cache`` is internal: one dict per dataset shared with the XPT writer.

    >>> write_dataset_json(dm, "dm.ndjson", ndjson=True, study_oid="S", metadata_version_oid="MDV.1",
    ...                    creation_datetime="2026-11-29T08:00:00")  # doctest: +SKIP
    """
    path = Path(path)
    try:
        ds.check_consistent()
    except ValueError as exc:
        raise OutputError(str(exc), Location(file=path)) from None
    if not ds.name:
        raise OutputError("the dataset has no name; Dataset-JSON requires one", Location(file=path))
    if not ds.variables:
        fail(ds, path, "has no variables; Dataset-JSON needs at least one column")
    for what, value in (("study_oid", study_oid), ("metadata_version_oid", metadata_version_oid)):
        if not value:
            raise OutputError(f"{what} must be a non-empty OID", Location(file=path))
    created = _timestamp(creation_datetime, "creation_datetime")
    keys = {name: i + 1 for i, name in enumerate(ds.keys)}
    columns = [_encode_column(ds, path, var, keys, _text_cache) for var in ds.variables]

    meta: dict = {"datasetJSONCreationDateTime": created, "datasetJSONVersion": DATASET_JSON_VERSION}
    if file_oid:
        meta["fileOID"] = file_oid
    if db_last_modified_datetime is not None:
        modified = _timestamp(db_last_modified_datetime, "db_last_modified_datetime")
        if isinstance(creation_datetime, datetime) and isinstance(db_last_modified_datetime, datetime) \
                and db_last_modified_datetime > creation_datetime:
            raise OutputError(f"db_last_modified_datetime {modified} is after the creation time {created} "
                              "(Dataset-JSON 1.1 requires it on or before)", Location(file=path))
        meta["dbLastModifiedDateTime"] = modified
    if originator:
        meta["originator"] = originator
    if source_system:
        meta["sourceSystem"] = {"name": source_system[0], "version": source_system[1]}
    meta.update({"studyOID": study_oid, "metaDataVersionOID": metadata_version_oid})
    if metadata_ref:
        meta["metaDataRef"] = metadata_ref
    meta.update({"itemGroupOID": item_group_oid(ds.name), "records": len(ds.data), "name": ds.name,
                 "label": ds.label or ""})

    dumps = lambda obj: json.dumps(obj, ensure_ascii=False)  # noqa: E731
    column_meta = [c.column for c in columns]
    n = len(ds.data)
    with open(path, "wb") as fh:
        if ndjson:
            fh.write((dumps({**meta, "columns": column_meta}) + "\n").encode("utf-8"))
        else:
            head = dumps(meta)[:-1] + ', "columns": [\n' + ",\n".join(map(dumps, column_meta)) + '\n], "rows": ['
            fh.write(head.encode("utf-8"))
        for start in range(0, n, _CHUNK_ROWS):
            chunk = _row_bytes(columns, start, min(n, start + _CHUNK_ROWS), ndjson)
            # JSON rows are written as ",\n[...]": the very first row drops its comma
            fh.write(chunk[1:] if (start == 0 and not ndjson) else chunk)
        if not ndjson:
            fh.write(b"\n]}\n" if n else b"]}\n")
    return path


# ---------------------------------------------------------------- reading

def _load(path: Path) -> tuple[dict, list]:
    try:
        if path.suffix.lower() == ".ndjson":
            with open(path, encoding="utf-8") as fh:
                meta = json.loads(fh.readline())
                rest = fh.read()
            rows = _ndjson_rows(path, rest)
        else:
            with open(path, encoding="utf-8") as fh:
                meta = json.load(fh)
            rows = meta.pop("rows", None) or [] if isinstance(meta, dict) else []
    except json.JSONDecodeError as exc:
        raise RawInputError(f"not valid JSON: {exc.msg}", Location(file=path, line=exc.lineno, column=exc.colno)) from None
    if not isinstance(meta, dict):
        raise RawInputError("the top level is not a JSON object", Location(file=path))
    return meta, rows


def _ndjson_rows(path: Path, text: str) -> list:
    lines = text.splitlines()
    try:
        # a JSON row cannot span lines (strings escape newlines), so lines are rows: parse them all at once
        return json.loads("[" + ",".join(filter(None, map(str.strip, lines))) + "]")
    except json.JSONDecodeError:
        # error path only: find the broken line to name it (line 1 is the metadata)
        for number, line in enumerate(lines, start=2):
            if line.strip():
                try:
                    json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RawInputError(f"not valid JSON: {exc.msg}",
                                        Location(file=path, line=number, column=exc.colno)) from None
        raise


def _column_values(path: Path, col: dict, values: np.ndarray) -> tuple[str, object]:
    dtype, target = col["dataType"], col.get("targetDataType")
    where = Location(file=path, variable=col["name"])
    if dtype not in _ALL_JSON_TYPES:
        raise RawInputError(f"column {col['name']}: unknown dataType {dtype!r}", where)
    try:
        if target == "integer" and dtype in ("date", "datetime", "time"):
            text = pd.Series(values, dtype=object)
            if dtype == "time":
                return "Num", pd.to_timedelta(text).dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
            delta = pd.to_datetime(text, format="ISO8601") - SAS_EPOCH
            scale = 86400.0 if dtype == "date" else 1.0
            return "Num", delta.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan) / scale
        if dtype == "decimal" or target == "decimal":
            return "Num", pd.to_numeric(pd.Series(values, dtype=object)).to_numpy(dtype=np.float64, na_value=np.nan)
        if dtype in _NUMERIC_JSON_TYPES:
            return "Num", values.astype(np.float64)  # None -> NaN; booleans -> 1/0
        if _PA is not None:  # Arrow builds the string column in C; pandas' own path is ~5x slower
            return "Char", _PA.array(values, type=_PA.large_string(), from_pandas=True).to_pandas().array
        return "Char", pd.array(values, dtype="str")
    except (ValueError, TypeError, ArithmeticError) as exc:  # pyarrow's errors derive from these
        raise RawInputError(f"column {col['name']} (dataType {dtype}) holds a value of another type: {exc}", where) from None


def read_dataset_json(path: str | os.PathLike) -> Dataset:
    """Read a Dataset-JSON 1.x ``.json`` or ``.ndjson`` file into a Dataset.

    Num variables come back as float64 (NaN = null); dates with targetDataType integer come
    back as SAS day/second numbers. The top-level attributes are in ``ds.data.attrs["dataset_json"]``.

    >>> read_dataset_json("sdtm/dm.json").variable("AGE").type  # doctest: +SKIP
    'Num'
    """
    path = Path(path)
    # Parsing creates one Python object per value; the cyclic GC would rescan them all
    # again and again (they hold no cycles), which triples the reading time on big files.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(path)
    finally:
        if was_enabled:
            gc.enable()


def _read(path: Path) -> Dataset:
    meta, rows = _load(path)
    for key in ("name", "columns"):
        if key not in meta:
            raise RawInputError(f"missing the required attribute {key!r}", Location(file=path))
    cols = meta.pop("columns")
    names = [c["name"] for c in cols]
    bad = next((i for i, row in enumerate(rows) if not isinstance(row, list) or len(row) != len(cols)), None)
    if bad is not None:
        raise RawInputError(f"row {bad + 1} has {len(rows[bad]) if isinstance(rows[bad], list) else 'no'} values "
                            f"but there are {len(cols)} columns", Location(file=path, row=bad + 1))
    if "records" in meta and meta["records"] != len(rows):
        raise RawInputError(f"records says {meta['records']} but the file holds {len(rows)} rows", Location(file=path))
    table = np.empty((len(rows), len(cols)), dtype=object)
    if rows:
        table[:] = rows  # C-level copy of the row lists into a 2-D object array
    data: dict[str, object] = {}
    variables: list[Variable] = []
    for j, col in enumerate(cols):
        var_type, data[col["name"]] = _column_values(path, col, np.ascontiguousarray(table[:, j]))
        define_type = {"string": "text", "double": "float", "decimal": "float"}.get(col["dataType"], col["dataType"])
        variables.append(Variable(
            name=col["name"], label=col.get("label", ""), type=var_type,
            length=col.get("length") if var_type == "Char" else None,
            display_format=col.get("displayFormat"), data_type=define_type,
        ))
    frame = pd.DataFrame(data, columns=names)
    frame.attrs["dataset_json"] = {k: v for k, v in meta.items()}
    keys = [c["name"] for c in sorted((c for c in cols if "keySequence" in c), key=lambda c: c["keySequence"])]
    return Dataset(name=meta["name"], label=meta.get("label", ""), data=frame, variables=variables, keys=keys)
