"""Read the datasets of a package ONCE per validation run.

Three layouts are understood:

- SAS XPORT v5 files (``*.xpt``), read with pyreadstat;
- Dataset-JSON 1.1 (``*.json`` / ``*.ndjson``), read with ``cdisc_dm.io.read_dataset_json``;
- CORE's test-data layout: ``_datasets.csv`` (Filename, Label), ``_variables.csv``
  (dataset, variable, label, type, length) and one CSV per dataset.

Character values are Python strings with ``""`` for missing (as in XPT), numeric values are
floats with NaN for missing. Split datasets (``LBCH``, ``QSCG``...) keep their file name as
``name`` and take their ``domain`` from the data's DOMAIN (SDTMIG 3.4 section 4.1.7); a
``SUPPLBCH`` takes RDOMAIN from its data and points at the split parent ``LBCH``.

Example::

    data = load_study_data(Path("sdtm/"))
    data["LBCH"].domain      # "LB"
    data["SUPPLBCH"].parent  # "LBCH"
"""
from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CdiscDmError, Location, RawInputError, UsageError
from ..io.xpt_read import XptText, read_xpt_columns
from .classes import infer_class

__all__ = ["StudyDataset", "StudyData", "load_study_data"]


@dataclass
class StudyDataset:
    name: str  # upper-case file stem: "LBCH", "SUPPLBCH"
    frame: pd.DataFrame
    file: str
    label: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # variable -> label
    types: dict[str, str] = field(default_factory=dict)  # variable -> "Char" | "Num"
    lengths: dict[str, int] = field(default_factory=dict)
    domain: str = ""  # "LB" for LBCH; "SUPPLB" for SUPPLBCH
    rdomain: str | None = None  # SUPP--: the parent domain from RDOMAIN ("LB")
    parent: str | None = None  # SUPP--: the parent dataset name ("LBCH")
    klass: str | None = None
    empty: dict[str, np.ndarray] = field(default_factory=dict)  # Char variable -> blank mask, when the reader knows it
    ascii_columns: frozenset[str] = frozenset()  # Char variables the reader found to hold 7-bit ASCII only

    @property
    def is_supp(self) -> bool:
        return self.name.startswith("SUPP") or (self.name.startswith("SQ") and len(self.name) > 2)

    @property
    def is_split(self) -> bool:
        return not self.is_supp and self.domain != self.name

    @property
    def prefix(self) -> str:
        """What ``--`` stands for in variable names: the domain code (AP domains keep 4 letters)."""
        if self.is_supp:
            return (self.rdomain or self.name[4:6])[:2]
        dom = self.domain or self.name
        return dom[:4] if dom.startswith("AP") and len(dom) >= 4 else dom[:2]

    @property
    def records(self) -> int:
        return len(self.frame)


_TOKENS = itertools.count(1)


@dataclass
class StudyData:
    path: str
    datasets: dict[str, StudyDataset]
    standard: str | None = None  # from the CORE test layout's .env, e.g. "SDTMIG 3.4"
    token: int = field(default_factory=lambda: next(_TOKENS))  # identifies this load in per-run caches

    def __getitem__(self, name: str) -> StudyDataset:
        return self.datasets[name]

    def __contains__(self, name: str) -> bool:
        return name in self.datasets

    def by_domain(self, domain: str) -> list[StudyDataset]:
        """Every dataset holding records of ``domain``: the domain itself and its splits."""
        domain = domain.upper()
        return [d for d in self.datasets.values() if d.domain == domain or (not d.is_supp and d.name == domain)]

    def domains(self) -> list[str]:
        return sorted({d.domain for d in self.datasets.values() if d.domain})


def _first_value(col: pd.Series) -> str | None:
    """The first record's non-blank value as trimmed text, judged once per distinct value (in
    order of first appearance, so the first non-blank distinct value is the first record's)."""
    for v in pd.unique(col.to_numpy(dtype=object)):
        if v is None or (isinstance(v, float) and v != v):
            continue  # a missing value is no value (not the text "nan")
        text = str(v).strip()
        if text:
            return text
    return None


def _finish(ds: StudyDataset) -> StudyDataset:
    frame = ds.frame
    up = ds.name.upper()
    ds.name = up
    dom = None
    if "DOMAIN" in frame.columns and len(frame):
        found = _first_value(frame["DOMAIN"])
        if found is not None:
            dom = found.upper()
    if ds.is_supp:
        ds.domain = up if not up.startswith("SUPP") else "SUPP" + (up[4:6] if len(up) >= 6 else up[4:])
        if "RDOMAIN" in frame.columns and len(frame):
            found = _first_value(frame["RDOMAIN"])
            ds.rdomain = found.upper() if found is not None else None
        if ds.rdomain is None:
            ds.rdomain = up[4:6] if up.startswith("SUPP") else up[2:4]
        ds.parent = up[4:] if up.startswith("SUPP") else up[2:]
        ds.domain = "SUPP" + ds.rdomain
    else:
        ds.domain = dom or up
    for col in frame.columns:
        ds.types.setdefault(col, "Num" if pd.api.types.is_numeric_dtype(frame[col]) else "Char")
    ds.klass = infer_class(ds.domain if not ds.is_supp else ds.name, list(frame.columns))
    return ds


def _read_xpt(path: Path) -> StudyDataset:
    table = read_xpt_columns(path)
    if table is None:
        return _read_xpt_pyreadstat(path)
    parts, empty = [], {}
    for v in table.variables:
        col = table.columns.pop(v.name)  # let each column's codes go once converted
        if isinstance(col, XptText):
            empty[v.name] = col.blank()
            values = col.strings()  # one shared str per distinct value: a few hundred USUBJIDs, not millions
        else:
            values = col
        # object columns (what pyreadstat gives), one block per column: no consolidating copy
        parts.append(pd.Series(values, name=v.name, dtype=None if isinstance(col, np.ndarray) else object,
                               copy=False).to_frame())
    frame = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=pd.RangeIndex(table.nobs))
    return _finish(StudyDataset(name=path.stem, frame=frame, file=str(path), label=table.label or None,
                                labels={v.name: v.label for v in table.variables},
                                types={v.name: "Num" if v.numeric else "Char" for v in table.variables},
                                lengths={v.name: v.length for v in table.variables}, empty=empty,
                                # the reader leaves any file with a byte above 0x7F to pyreadstat
                                ascii_columns=frozenset(empty)))


def _read_xpt_pyreadstat(path: Path) -> StudyDataset:
    """Files the fast reader leaves to pyreadstat (non-ASCII text, version 8, several members)."""
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_xport(str(path))
    except Exception as exc:  # pyreadstat raises its own error types for corrupt files
        raise RawInputError(f"cannot read SAS XPORT file: {exc}", Location(file=str(path))) from None
    labels = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v is not None}
    types = {c: ("Num" if t == "double" else "Char") for c, t in (meta.readstat_variable_types or {}).items()}
    for col, t in types.items():
        if t == "Char":
            frame[col] = frame[col].fillna("").astype(object)
    return _finish(
        StudyDataset(
            name=path.stem,
            frame=frame,
            file=str(path),
            label=meta.file_label or None,
            labels=labels,
            types=types,
            lengths=dict(meta.variable_storage_width or {}),
        )
    )


def _read_dataset_json(path: Path) -> StudyDataset:
    """Dataset-JSON 1.1 (.json/.ndjson) through the io package's reader (its errors name the file)."""
    from ..io import read_dataset_json

    try:
        ds = read_dataset_json(path)
    except CdiscDmError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RawInputError(f"cannot read Dataset-JSON: {exc}", Location(file=str(path))) from None
    frame = ds.data.copy()
    types = {v.name: v.type for v in ds.variables}
    for name, t in types.items():
        if t == "Char" and name in frame.columns:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), "")
    return _finish(
        StudyDataset(
            name=ds.name or path.stem,
            frame=frame,
            file=str(path),
            label=ds.label or None,
            labels={v.name: v.label for v in ds.variables},
            types=types,
            lengths={v.name: int(v.length) for v in ds.variables if v.length},
        )
    )


def _read_env(folder: Path) -> str | None:
    env = folder / ".env"
    if not env.is_file():
        return None
    vals = {}
    for line in env.read_text(encoding="utf-8", errors="replace").splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            vals[k.strip().upper()] = v.strip()
    product = vals.get("PRODUCT", "").upper()
    version = vals.get("VERSION", "").replace("-", ".")
    return f"{product} {version}".strip() or None


def _read_csv_rows(p: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a small CSV as text (the csv module: far less overhead than pandas here)."""
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RawInputError(f"cannot read CSV: {exc}", Location(file=str(p))) from None
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(r + [""] * (width - len(r)))[:width] for r in rows[1:] if r]
    return header, body


def _read_core_csv_layout(folder: Path) -> dict[str, StudyDataset]:
    """CORE's test-data layout (``_datasets.csv`` + ``_variables.csv`` + one CSV per dataset)."""
    head, listing = _read_csv_rows(folder / "_datasets.csv")
    head = [h.lower() for h in head]
    meta: dict[str, list[dict[str, str]]] = {}
    if (folder / "_variables.csv").is_file():
        vhead, vrows = _read_csv_rows(folder / "_variables.csv")
        vhead = [h.lower() for h in vhead]
        for r in vrows:
            rec = dict(zip(vhead, r))
            meta.setdefault(rec.get("dataset", "").strip().lower(), []).append(rec)
    out: dict[str, StudyDataset] = {}
    for entry in (dict(zip(head, r)) for r in listing):
        stem = str(entry.get("filename", "")).strip()
        if not stem:
            continue
        stem = stem[:-4] if stem.lower().endswith(".csv") else stem
        file = folder / f"{stem}.csv"
        if not file.is_file():
            candidates = [p for p in folder.glob("*.csv") if p.stem.lower() == stem.lower()]
            if not candidates:
                raise RawInputError(f"_datasets.csv lists {stem} but {stem}.csv is missing", Location(file=str(folder / "_datasets.csv")))
            file = candidates[0]
        header, rows = _read_csv_rows(file)
        frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
        frame = frame.loc[:, ~frame.columns.duplicated()]
        labels, types, lengths = {}, {}, {}
        for v in meta.get(stem.lower(), []):
            name = str(v.get("variable", "")).strip()
            labels[name] = str(v.get("label", ""))
            t = str(v.get("type", "")).strip().lower()
            types[name] = "Num" if t in ("num", "numeric", "float", "integer", "double") else "Char"
            try:
                lengths[name] = int(float(v.get("length", "")))
            except ValueError:
                pass
        for col in frame.columns:
            if types.get(col) == "Num":
                text = frame[col].str.strip()
                num = pd.to_numeric(text.replace("", np.nan), errors="coerce")
                if bool((num.notna() | (text == "")).all()):
                    frame[col] = num.astype(float)
                else:  # a Num column holding text: keep the text so rules see what was delivered
                    types[col] = "Char"
        out[stem.upper()] = _finish(
            StudyDataset(
                name=stem,
                frame=frame,
                file=str(file),
                label=str(entry.get("label", "")) or None,
                labels=labels,
                types=types,
                lengths=lengths,
            )
        )
    return out


_READERS = {".xpt": _read_xpt, ".json": _read_dataset_json, ".ndjson": _read_dataset_json}


def load_study_data(path: str | Path) -> StudyData:
    """Read every dataset under ``path`` (a folder or one file); RawInputError/UsageError on bad input."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{p}: no such file or folder")
    if p.is_file():
        reader = _READERS.get(p.suffix.lower())
        if reader is None:
            raise UsageError(f"{p}: not a dataset file (expected .xpt, .json or .ndjson)")
        ds = reader(p)
        return StudyData(str(p), {ds.name: ds})
    if (p / "_datasets.csv").is_file():
        return StudyData(str(p), _read_core_csv_layout(p), standard=_read_env(p))
    datasets: dict[str, StudyDataset] = {}
    files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in _READERS)
    # One file per dataset: a package written in several formats holds the same data in each, and
    # the .xpt is the quickest to read (fixed-width records, decoded column by column), then .json.
    rank = {".xpt": 0, ".json": 1, ".ndjson": 2}
    chosen: dict[str, Path] = {}
    for f in sorted(files, key=lambda f: (f.stem.upper(), rank[f.suffix.lower()], f.name)):
        # Dataset-JSON files in a folder may be metadata (define, manifest): only read those that look like datasets
        if f.stem.upper() in chosen or (f.suffix.lower() == ".json" and not _looks_like_dataset_json(f)):
            continue
        chosen[f.stem.upper()] = f
    for f in sorted(chosen.values()):
        ds = _READERS[f.suffix.lower()](f)
        if ds.name in datasets:  # two files naming the same dataset: keep the first in file-name order
            continue
        ds.frame.attrs = {}  # pandas deep-copies attrs on every operation: keep the reader's header out
        datasets[ds.name] = ds
    if not datasets:
        raise UsageError(f"{p}: no datasets found (expected .xpt, .json or .ndjson files, or CORE's _datasets.csv layout)")
    return StudyData(str(p), datasets)


def _looks_like_dataset_json(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise RawInputError(f"cannot read: {exc.strerror}", Location(file=str(path))) from None
    return b'"columns"' in head or b'"datasetJSONVersion"' in head or b'"itemGroupOID"' in head
