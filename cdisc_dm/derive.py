"""SDTM package -> ADaM datasets, in one call: ``derive(sdtm, study, out_dir)``.

The study's ADaM specs (``mappings/<study>/adam/*.yaml``) are parsed and checked into a plan
before any data is read; the SDTM package is read (a run folder with ``sdtm/``, a folder of
``.xpt``/``.json`` files, a :class:`~cdisc_dm.dataset.Package` or a ``ConvertResult``); the plan
runs; the ADaM package is written to ``out_dir/adam/`` atomically (all files or none) with
``out_dir/reports/adam-issues.csv`` listing data findings. Example::

    result = derive("run/", "il2dm", "run/", created="2026-01-01T00:00:00")
    result.package["ADSL"].data["SAFFL"].value_counts()
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Collection, Sequence

import pandas as pd

from .adam.engine import run_adam_plan
from .adam.spec import AdamPlan, load_adam_plan
from .dataset import Package
from .errors import UsageError
from .io.xpt_read import XptTable, XptText, read_xpt_columns
from .report import Report

__all__ = ["derive", "DeriveResult", "read_sdtm"]

_FORMATS = ("xpt", "json", "ndjson")


@dataclass
class DeriveResult:
    package: Package
    report: Report
    plan: AdamPlan
    skipped: dict[str, str] = field(default_factory=dict)
    out_dir: Path | None = None
    paths: list[Path] = field(default_factory=list)

    def summary(self) -> dict:
        return {"datasets": {ds.name: len(ds.data) for ds in self.package}, "skipped": dict(self.skipped),
                "issues": {s: self.report.count(s) for s in ("error", "warning", "notice")},
                "out_dir": str(self.out_dir) if self.out_dir else None}


def _blank_to_na(frame: pd.DataFrame) -> pd.DataFrame:
    # XPT has no missing value for character variables: a blank is missing (SAS convention)
    out = frame.copy(deep=False)
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col].dtype) or out[col].dtype == object:
            s = out[col].astype("str")
            out[col] = s.where(s.str.strip().ne(""), None)
    return out


def _release_arrow_memory() -> None:
    # Arrow's allocator keeps freed pages for reuse; hand them back before the next memory-hungry phase
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - pyarrow is optional / older
        pass


def _arrow_strings() -> bool:
    # the fast frame must match pyreadstat's: pandas' "str" dtype is Arrow-backed on pandas 3 with
    # pyarrow; elsewhere (pandas 2, no pyarrow) text columns are objects and pyreadstat reads every file
    if importlib.util.find_spec("pyarrow") is None:  # pragma: no cover
        return False
    dtype = pd.Series(["a"], dtype="str").dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


_ARROW_STRINGS = _arrow_strings()


def _fast_xpt_readable(table: XptTable) -> bool:
    # pyreadstat turns numbers with a date/time format into datetimes: formatted numbers are its business;
    # a record shorter than a card could leave a blank "record" in the padding: pyreadstat decides that too
    plain = all(not v.numeric or v.format.upper() in ("", "BEST") for v in table.variables)
    return plain and (table.record_width >= 80 or table.body_bytes == 0)


def _xpt_frame_fast(path: Path) -> pd.DataFrame | None:
    """The frame pyreadstat + :func:`_blank_to_na` gives, from :func:`read_xpt_columns`; None: use pyreadstat.

    Example: ``_xpt_frame_fast(Path("run/sdtm/dm.xpt"))["USUBJID"].dtype == "str"`` (Arrow-backed,
    blank values missing), ``frame.attrs == {"labels": {...}, "dataset_label": "Demographics"}``.
    """
    if not _ARROW_STRINGS:
        return None
    table = read_xpt_columns(path, accept=_fast_xpt_readable)
    if table is None:
        return None
    import pyarrow as pa

    columns: dict[str, object] = {}
    for name, col in table.columns.items():
        if isinstance(col, XptText):
            if col.control:
                return None  # tabs, NULs, ...: pyreadstat's decoding rules apply
            values = col.values.copy()
            values[values == ""] = None  # blank text is missing (SAS has no missing value for text)
            # each distinct value becomes an Arrow string once; the column is a take, no object per cell
            columns[name] = pa.array(values, type=pa.large_string()).take(pa.array(col.codes)).to_pandas()
        else:
            columns[name] = col
    frame = pd.DataFrame(columns, copy=False) if columns else pd.DataFrame(index=pd.RangeIndex(table.nobs))
    frame.attrs["labels"] = {v.name: v.label for v in table.variables}
    frame.attrs["dataset_label"] = table.label
    return frame


def _read_xpt_frame(path: Path) -> pd.DataFrame:
    # the column-wise reader gives the same frame as pyreadstat + _blank_to_na, several times faster;
    # files it cannot read exactly (formats, control characters, several members) go to pyreadstat
    frame = _xpt_frame_fast(path)
    if frame is None:
        from .io import read_xpt

        frame = _blank_to_na(read_xpt(path))
    return frame


def read_sdtm(sdtm: str | Path | Package | object, names: Collection[str] | None = None) -> dict[str, pd.DataFrame]:
    """SDTM datasets as frames by upper-case name, from a folder, a Package or a ConvertResult.

    ``names`` (upper case) limits reading to those datasets (the ones an ADaM plan refers to);
    None reads every dataset of the folder.
    """
    wanted = None if names is None else {str(n).upper() for n in names}
    if hasattr(sdtm, "package") and isinstance(getattr(sdtm, "package"), Package):
        sdtm = sdtm.package
    if isinstance(sdtm, Package):
        return {ds.name.upper(): _blank_to_na(ds.data) for ds in sdtm if wanted is None or ds.name.upper() in wanted}
    folder = Path(sdtm)
    if (folder / "sdtm").is_dir():
        folder = folder / "sdtm"
    if not folder.is_dir():
        raise UsageError(f"SDTM folder {folder} does not exist")
    from .io import read_dataset_json

    def is_dataset_json(path: Path) -> bool:
        with open(path, encoding="utf-8") as fh:
            head = fh.read(4096)
        return '"itemGroupOID"' in head or '"columns"' in head

    xpts = {p.stem.upper(): p for p in sorted(folder.glob("*.xpt"))}
    # Dataset-JSON only where no XPT exists; other JSON files of the folder (metadata.json, ...) are skipped
    jsons = {p.stem.upper(): p for p in sorted(folder.glob("*.json")) if p.stem.upper() not in xpts and is_dataset_json(p)}
    if not xpts and not jsons:
        raise UsageError(f"no SDTM datasets (.json or .xpt) in {folder}")
    frames: dict[str, pd.DataFrame] = {}
    for name, path in xpts.items():
        if wanted is None or name in wanted:
            frames[name] = _read_xpt_frame(path)
    for name, path in jsons.items():
        if wanted is None or name in wanted:
            frames[name] = _blank_to_na(read_dataset_json(path).data)
    return frames


def derive(
    sdtm_dir_or_package: str | Path | Package | object,
    study: str | Path = "il2dm",
    out_dir: str | Path | None = None,
    *,
    formats: Sequence[str] = ("xpt", "json"),
    created: str | datetime | None = None,
) -> DeriveResult:
    """Derive the study's ADaM datasets; write ``out_dir/adam/`` when ``out_dir`` is given.

    Spec problems raise :class:`~cdisc_dm.errors.SpecError` (file:line:col) before any data is read.
    """
    from .convert import _created

    bad = [f for f in formats if f not in _FORMATS]
    if bad:
        raise UsageError(f"unknown output format(s) {bad}; choose from {', '.join(_FORMATS)}")
    stamp = _created(created)
    plan = load_adam_plan(study)
    frames = read_sdtm(sdtm_dir_or_package, plan.referenced())
    run = run_adam_plan(plan, frames)
    # the SDTM columns the ADaM datasets did not keep are garbage from here on: at 10,000 subjects
    # QS alone is over a gigabyte, and writing needs the memory
    del frames
    _release_arrow_memory()
    result = DeriveResult(run.package, run.report, plan, run.skipped)
    if out_dir is None:
        return result
    from .io import write_package

    out_dir = Path(out_dir)
    result.paths = list(write_package(run.package, out_dir / "adam", formats=tuple(formats), creation_datetime=stamp))
    # labels, origins, methods of the derivations that ran: what `cdisc-dm define` needs besides the data
    from .io.define import dump_package_metadata

    result.paths.append(dump_package_metadata(run.package, out_dir / "adam" / "metadata.json", created=stamp))
    reports = out_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    issues = run.report.to_frame().sort_values(["dataset", "code", "variable", "message"], kind="mergesort", na_position="first")
    issues.to_csv(reports / "adam-issues.csv", index=False, lineterminator="\n")
    result.paths.append(reports / "adam-issues.csv")
    result.out_dir = out_dir
    return result
