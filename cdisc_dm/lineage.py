"""Nothing lost, everything traceable: the lineage ledger, reconciliation and run manifest.

DESIGN.md principle 6. A conversion writes:

* ``lineage.csv`` — one row per output record: dataset, record number (1-based, in the
  dataset's written order), raw form, raw file, raw row, and the spec file:line that formed it;
* ``reports/reconciliation.csv`` — per raw form and target dataset: raw records in, records
  mapped, records dropped and why; forms no spec reads are listed as such. Every raw record
  of a form that forms records is either mapped or dropped with a reason (``accounted``);
* ``reports/dropped.csv`` — each dropped raw record with its reason;
* ``manifest.json`` — tool version, spec files with their SHA-256, the SHA-256 of every
  input and output file, and the creation time given by the caller (never the clock, so
  that two runs on the same inputs are byte-identical).

Example::

    recon = reconcile(result)                # result: cdisc_dm.mapping.MappingResult
    assert recon["accounted"].all()
    write_manifest(out / "manifest.json", inputs=[...], outputs=[...], specs=plan.hashes, created="2026-01-01T00:00:00")
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .report import Issue, Report

__all__ = ["reconcile", "write_lineage", "write_reconciliation", "write_manifest", "sha256_file", "RECONCILIATION_COLUMNS"]

RECONCILIATION_COLUMNS = ["form", "file", "raw_records", "dataset", "role", "mapped", "dropped", "reasons", "accounted"]


def reconcile(result: Any, report: Report | None = None) -> pd.DataFrame:
    """Per form and dataset, raw records in and out; an Issue (LINEAGE-LOST) for any gap.

    ``role`` is ``records`` for forms that form a dataset's records, ``join``/``lookup`` for
    forms read for extra columns, ``unmapped`` for forms no spec reads.
    """
    dropped = result.dropped
    rows = []
    referenced: set[str] = set()
    # the drops of each (dataset, form), found in one pass (millions of drops for a large QS)
    positions = dropped.groupby(["dataset", "form"], sort=False).indices if len(dropped) else {}
    empty = dropped.iloc[:0]
    for dataset, forms in sorted(result.record_forms.items()):
        for form in dict.fromkeys(forms):
            referenced.add(form)
            file, n = result.forms_in.get(form, ("", 0))
            at = positions.get((dataset, form))
            mine = empty if at is None else dropped.iloc[at]
            reasons = "; ".join(f"{r} ({c})" for r, c in mine.groupby("reason", sort=True).size().items())
            mapped = int(result.used.get((dataset, form), 0))
            n_dropped = int(mine["row"].nunique())
            rows.append({"form": form, "file": file, "raw_records": n, "dataset": dataset, "role": "records",
                         "mapped": mapped, "dropped": n_dropped, "reasons": reasons, "accounted": mapped + n_dropped == n})
    for (dataset, form), mine in dropped.groupby(["dataset", "form"], sort=True):
        if form in result.record_forms.get(dataset, []):
            continue
        referenced.add(form)
        file, n = result.forms_in.get(form, ("", 0))
        reasons = "; ".join(f"{r} ({c})" for r, c in mine.groupby("reason", sort=True).size().items())
        rows.append({"form": form, "file": file, "raw_records": n, "dataset": dataset, "role": "join",
                     "mapped": n - int(mine["row"].nunique()), "dropped": int(mine["row"].nunique()), "reasons": reasons, "accounted": True})
    for form in sorted(set(result.forms_in) - referenced - set(getattr(result, "read_forms", ()))):
        file, n = result.forms_in[form]
        rows.append({"form": form, "file": file, "raw_records": n, "dataset": "", "role": "unmapped",
                     "mapped": 0, "dropped": n, "reasons": "no mapping spec reads this form", "accounted": True})
    for form in sorted(set(getattr(result, "read_forms", ())) - referenced):
        file, n = result.forms_in.get(form, ("", 0))
        rows.append({"form": form, "file": file, "raw_records": n, "dataset": "", "role": "lookup",
                     "mapped": n, "dropped": 0, "reasons": "read for reference values (joins, per-subject dates)", "accounted": True})
    frame = pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)
    frame = frame.sort_values(["form", "dataset", "role"], kind="mergesort").reset_index(drop=True)
    if report is not None:
        for rec in frame[~frame["accounted"]].itertuples():  # one per (form, dataset): small
            report.add(Issue("LINEAGE-LOST", f"{rec.raw_records} raw records in, {rec.mapped} mapped and {rec.dropped} dropped into {rec.dataset}: "
                             f"{rec.raw_records - rec.mapped - rec.dropped} unaccounted for", file=rec.file, dataset=rec.dataset))
    return frame


def _csv_field(value: object) -> str:
    """``value`` as the csv module writes it inside a row of several fields (QUOTE_MINIMAL)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([value, ""])
    return out.getvalue()[:-2]  # the trailing ',' + '' field and the line end


def _csv_column(series: pd.Series, pa: Any) -> Any:
    """A renderer of one column's CSV fields (rows at given positions -> Arrow strings), or None
    when only pandas renders the column the same.

    Text columns repeat few values (dataset, form, file, spec, reason): each distinct value is
    rendered (quoted where needed) once and the rows take it by code. Integer columns are cast
    by Arrow, which writes base-10 digits as ``str(int)`` does.
    """
    dtype = series.dtype
    if pd.api.types.is_integer_dtype(dtype) and isinstance(dtype, np.dtype):
        values = series.to_numpy()
        return lambda rows: pa.array(values[rows]).cast(pa.string())
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype) or dtype == object:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        values = np.asarray(uniques, dtype=object).tolist()
        if not all(isinstance(v, str) for v in values):
            return None  # numbers, booleans, ... in a text column: pandas' own rendering
        fields = pa.array([_csv_field(v) for v in values] + [""], type=pa.string())  # NA: an empty field
        codes = np.where(codes < 0, len(values), codes)
        return lambda rows: fields.take(pa.array(codes[rows]))
    return None


_CHUNK = 1 << 20  # rows rendered at a time: bounds the memory of the text being built


def _sort_positions(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Row positions in the order of ``frame.sort_values(keys, kind="mergesort")`` (stable,
    ascending, missing last), without building the sorted copy of the frame."""
    arrays = []
    for key in reversed(keys):  # np.lexsort: the last array is the primary key
        col = frame[key]
        if pd.api.types.is_integer_dtype(col.dtype) and isinstance(col.dtype, np.dtype):
            arrays.append(col.to_numpy())
        else:
            codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=True)
            arrays.append(np.where(codes < 0, len(uniques), codes))
    return np.lexsort(arrays) if arrays else np.arange(len(frame))


def _csv(frame: pd.DataFrame, path: Path, order: np.ndarray | None = None) -> Path:
    """``frame.to_csv(path, index=False, lineterminator="\\n")`` (rows in ``order`` when given),
    byte for byte, faster for big ledgers.

    The lineage ledger has one row per output record (millions for a large study); pandas'
    writer formats it row by row in Python. Here each column is rendered vectorized, a block of
    rows at a time, and Arrow joins the fields of each row; a column pandas would render
    differently (floats, mixed objects) sends the whole frame to pandas.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pyarrow is optional: pandas writes the same bytes, slower
        pa = None
    columns = None
    if pa is not None and len(frame.columns) >= 2 and len(frame) >= _CHUNK // 16:
        columns = [_csv_column(frame[c], pa) for c in frame.columns]
        if any(c is None for c in columns):
            columns = None
    if columns is None:
        (frame if order is None else frame.iloc[order]).to_csv(path, index=False, lineterminator="\n")
        return path
    sep, end, nothing = pa.scalar(",", pa.string()), pa.scalar("\n", pa.string()), pa.scalar("", pa.string())
    with open(path, "wb") as fh:
        fh.write((",".join(_csv_field(str(c)) for c in frame.columns) + "\n").encode("utf-8"))
        for start in range(0, len(frame), _CHUNK):
            rows = slice(start, start + _CHUNK) if order is None else order[start : start + _CHUNK]
            lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*[c(rows) for c in columns], sep), nothing, end)
            _, offsets_buf, data_buf = lines.buffers()
            offsets = np.frombuffer(offsets_buf, dtype=np.int32)[lines.offset : lines.offset + len(lines) + 1]
            fh.write(memoryview(data_buf)[offsets[0] : offsets[-1]])
    return path


def write_lineage(lineage: pd.DataFrame, path: Path) -> Path:
    """The lineage ledger as CSV (deterministic: datasets sorted, records in written order)."""
    return _csv(lineage, Path(path), order=_sort_positions(lineage, ["dataset", "record"]))


def write_reconciliation(recon: pd.DataFrame, dropped: pd.DataFrame, folder: Path) -> list[Path]:
    folder = Path(folder)
    order = _sort_positions(dropped, ["dataset", "form", "row", "reason"])
    paths = [_csv(recon, folder / "reconciliation.csv"), _csv(dropped, folder / "dropped.csv", order=order)]
    summary = {
        "all_accounted": bool(recon["accounted"].all()) if len(recon) else True,
        "forms": json.loads(recon.to_json(orient="records")),
    }
    path = folder / "reconciliation.json"
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    paths.append(path)
    return paths


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(path: Path, *, inputs: Iterable[tuple[str, Path]], outputs: Iterable[tuple[str, Path]],
                   specs: dict[str, str], created: str, tool_version: str, extra: dict | None = None) -> Path:
    """``manifest.json`` with sorted keys and relative names, so identical runs give identical bytes."""
    doc = {
        "tool": {"name": "cdisc-dm", "version": tool_version},
        "created": created,
        "specs": dict(sorted(specs.items())),
        "inputs": {name: sha256_file(p) for name, p in sorted(inputs)},
        "outputs": {name: sha256_file(p) for name, p in sorted(outputs)},
        **(extra or {}),
    }
    path = Path(path)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
