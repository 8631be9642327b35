"""Raw export -> SDTM package, in one call: ``convert(raw_dir, study, out_dir)``.

The stages (DESIGN.md principle 2): the study's specs are parsed and checked into a plan
before any data is read; the export is read (and checked against the plan: every form and
column the specs name must exist); the plan runs; trial design datasets come from the study
definition; everything is written into a temporary folder next to ``out_dir`` and moved into
place only when complete, so a failed run leaves no half-written outputs. The run folder::

    out_dir/sdtm/<dataset>.xpt|.json    the SDTM package
    out_dir/reports/issues.csv           data findings (unmapped terms, impossible dates, ...)
    out_dir/reports/reconciliation.csv   raw records in / mapped / dropped per form and dataset
    out_dir/reports/reconciliation.json
    out_dir/reports/dropped.csv          each dropped raw record with its reason
    out_dir/lineage.csv                  raw file and row of every output record
    out_dir/manifest.json                tool version, spec hashes, input and output hashes

With ``out_dir``, each dataset is written (into the temporary folder) as soon as it is final,
and ``result.package`` keeps its metadata only: a dataset's ``data`` is read back from
``out_dir/sdtm/<dataset>.json`` (or ``.ndjson``) on first use (:class:`~cdisc_dm.io.package.StoredDataset`;
XPT-only runs keep the rows in memory). A 10,000-subject study then never holds every finished
domain at once. Without ``out_dir`` every dataset stays in memory.

Example::

    result = convert("raw/", "il2dm", "run/", created="2026-01-01T00:00:00")
    result.package["DM"].data.head()
    print(result.report.count("error"), "errors")
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from . import __version__
from .dataset import Dataset, Package
from .errors import UsageError
from .io.define import dump_package_metadata
from .lineage import reconcile, write_lineage, write_manifest, write_reconciliation
from .mapping import check_dictionary, load_plan, run_plan
from .mapping.engine import with_plain_text
from .mapping.plan import Plan, display_path
from .report import Report

__all__ = ["convert", "ConvertResult", "DEFAULT_CREATED"]

#: Creation time written into outputs when the caller gives none and SOURCE_DATE_EPOCH is unset:
#: fixed, never the clock, so that a run is reproducible byte for byte.
DEFAULT_CREATED = "2000-01-01T00:00:00"
_FORMATS = ("xpt", "json", "ndjson")
_VALUE_LEVEL_FINDINGS = ("LB", "MB", "CP", "QS")


@dataclass
class ConvertResult:
    package: Package
    report: Report
    reconciliation: pd.DataFrame
    lineage: pd.DataFrame
    dropped: pd.DataFrame
    plan: Plan
    out_dir: Path | None = None
    paths: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no data finding is an error."""
        return not self.report.has_errors

    def summary(self) -> dict:
        return {
            # a dataset already written reads its rows back only when used: its count is known without that
            "datasets": {ds.name: _records(ds) for ds in self.package},
            "issues": {"error": self.report.count("error"), "warning": self.report.count("warning"), "notice": self.report.count("notice")},
            "all_raw_records_accounted": bool(self.reconciliation["accounted"].all()) if len(self.reconciliation) else True,
            "out_dir": str(self.out_dir) if self.out_dir else None,
        }


def _records(ds: Dataset) -> int:
    """The row count of ``ds`` (a StoredDataset knows it without reading its file)."""
    records = getattr(ds, "records", None)
    return int(records) if records is not None else len(ds.data)


def _created(created: str | datetime | None) -> datetime:
    if isinstance(created, datetime):
        return created.replace(tzinfo=None)
    if created is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
        created = DEFAULT_CREATED
    try:
        return datetime.fromisoformat(str(created)).replace(tzinfo=None)
    except ValueError:
        raise UsageError(f"created must be an ISO 8601 date-time such as 2026-01-01T00:00:00, got {created!r}") from None


def _write_datasets(package: Package, folder: Path, formats: Sequence[str], created: datetime) -> list[Path]:
    from .io import write_package

    return list(write_package(package, folder, formats=tuple(formats), creation_datetime=created))


def _move_into(tmp: Path, out_dir: Path) -> None:
    """Replace the run's outputs in ``out_dir`` by those built in ``tmp`` (other files stay)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for item in sorted(tmp.iterdir()):
        target = out_dir / item.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        os.replace(item, target)


def convert(
    raw_dir: str | Path,
    study: str | Path = "il2dm",
    out_dir: str | Path | None = None,
    *,
    formats: Sequence[str] = ("xpt", "json"),
    created: str | datetime | None = None,
    progress: Callable[[str, int, float], None] | None = None,
) -> ConvertResult:
    """Convert a raw export to SDTM with the study's mapping specs; write the run folder if ``out_dir``.

    Spec and raw-structure problems raise :class:`~cdisc_dm.errors.SpecError` (file:line:col);
    data problems are Issues in ``result.report``.
    """
    from .raw import read_raw
    from .study import load_study

    bad = [f for f in formats if f not in _FORMATS]
    if bad:
        raise UsageError(f"unknown output format(s) {bad}; choose from {', '.join(_FORMATS)}")
    stamp = _created(created)
    study_obj = load_study(study)
    plan = load_plan(study)  # every spec checked before any data is read
    raw_dir = Path(raw_dir)
    if not raw_dir.exists():
        raise UsageError(f"raw export {raw_dir} does not exist")
    raw = read_raw(raw_dir)
    if raw.dictionary:
        check_dictionary(plan, raw.dictionary, where_raw=f"{raw_dir}/data_dictionary.json")
    tmp = writer = None
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        if tmp is not None:
            from .io.package import PackageWriter

            # each dataset is written as soon as it is final and only its metadata stays in memory
            # (the package's datasets read their rows back from out_dir/sdtm/*.json when used): the
            # finished domains (LB, CP) are not held while the largest (QS) is mapped
            writer = PackageWriter(tmp / "sdtm", creation_datetime=stamp, formats=tuple(formats), standard="SDTMIG 3.4",
                                   default_study_oid=study_obj.studyid, stored_folder=out_dir / "sdtm")
        out, files = _map(plan, raw, raw_dir, study_obj, progress, writer)
        del raw
        if tmp is None:
            return out
        assert writer is not None and out_dir is not None
        package, report, recon = out.package, out.report, out.reconciliation
        written = writer.close()
        # what XPT cannot hold (origins, methods, codelists, value-level): `cdisc-dm define` reads it back
        written.append(dump_package_metadata(package, tmp / "sdtm" / "metadata.json", created=stamp))
        reports = tmp / "reports"
        reports.mkdir(exist_ok=True)
        issues = report.to_frame().sort_values(["dataset", "code", "file", "row", "variable", "value"], kind="mergesort", na_position="first")
        issues.to_csv(reports / "issues.csv", index=False, lineterminator="\n")
        written += [reports / "issues.csv"]
        written += write_reconciliation(recon, out.dropped, reports)
        written.append(write_lineage(out.lineage, tmp / "lineage.csv"))
        inputs = []
        for f in sorted(files):
            try:
                rel = str(f.relative_to(raw_dir if raw_dir.is_dir() else raw_dir.parent))
            except ValueError:
                rel = f.name
            if f.is_file():
                inputs.append((rel, f))
        outputs = [(str(p.relative_to(tmp)), p) for p in written]
        specs = dict(plan.hashes)
        write_manifest(tmp / "manifest.json", inputs=inputs, outputs=outputs, specs=specs,
                       created=stamp.isoformat(), tool_version=__version__,
                       extra={"study": study_obj.studyid, "formats": list(formats),
                              "functions": display_path(plan.functions_file) if plan.functions_file else None})
        _move_into(tmp, out_dir)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    out.out_dir = out_dir
    out.paths = sorted(out_dir / rel for rel, _ in outputs) + [out_dir / "manifest.json"]
    return out


def _with_value_level(ds: Dataset) -> Dataset:
    """``ds`` with its value-level metadata (per test code of the findings domains, DSDECOD per
    DSCAT, SUPP-- QVAL per QNAM, TS TSVAL per TSPARMCD); each depends on the dataset's own rows only."""
    from .mapping.algorithms.value_level import attach_value_level
    from .sdtm.ds_value_level import ds_value_level
    from .sdtm.parameter_value_level import value_level_by

    if ds.name in _VALUE_LEVEL_FINDINGS:
        return attach_value_level(ds)
    if ds.name == "DS":
        one = Package("SDTMIG 3.4")
        one.add(ds)
        return ds_value_level(one)["DS"]
    if ds.name.startswith("SUPP"):
        return value_level_by(ds, "QNAM", "QVAL", label="QLABEL", origin="QORIG")
    if ds.name == "TS":
        return value_level_by(ds, "TSPARMCD", "TSVAL", label="TSPARM")
    return ds


def _map(plan: Plan, raw: Any, raw_dir: Path, study_obj: Any, progress: Callable[[str, int, float], None] | None,
         writer: Any) -> tuple[ConvertResult, set[Path]]:
    """Map the export, add trial design and value-level metadata; each dataset goes to ``writer``
    (when given) as soon as it is final."""
    dm_data: list[pd.DataFrame] = []

    def final(ds: Dataset) -> Dataset:
        ds = _with_value_level(ds)
        if ds.name == "DM":
            dm_data.append(with_plain_text(ds).data)  # the trial design datasets are built from DM
        kept = ds if writer is None else writer.add(ds)  # the writers take the text categoricals as they are
        return with_plain_text(kept) if kept is ds else kept

    result = run_plan(plan, raw, study_obj, progress=progress, release_raw=True, on_dataset=final)  # raw is not read afterwards
    # every file of the export: the tables read, and those deliberately not read (the data
    # dictionary, an ODM copy of forms read as CSV) — all of them are inputs of the run. The raw
    # tables themselves are not needed any more: released before the outputs are written, the
    # largest of them (the lab transfer) does not add to the peak memory of the writers.
    files = {Path(t.file) for t in raw.tables.values()} | {Path(f) for f, _ in getattr(raw, "skipped", [])}
    package = result.package
    from .sdtm.trial_design import build_trial_design

    dm = dm_data[0] if dm_data else None
    ct_version = None
    try:
        from .mapping.plan import default_ct

        ct = default_ct(plan.folder)
        ct_version = getattr(ct, "version", None)
    except Exception:  # the CT version is only a TS value; conversion does not need it
        ct_version = None
    for name, ds in build_trial_design(study_obj, ct_version=ct_version, dm=dm).items():
        if name not in package:
            package.add(final(ds))
    dm_data.clear()
    report = result.report
    recon = reconcile(result, report)
    return ConvertResult(package, report, recon, result.lineage, result.dropped, plan), files
