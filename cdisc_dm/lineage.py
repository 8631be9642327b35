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

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

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
    for dataset, forms in sorted(result.record_forms.items()):
        for form in dict.fromkeys(forms):
            referenced.add(form)
            file, n = result.forms_in.get(form, ("", 0))
            mine = dropped[(dropped["dataset"] == dataset) & (dropped["form"] == form)]
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


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def write_lineage(lineage: pd.DataFrame, path: Path) -> Path:
    """The lineage ledger as CSV (deterministic: datasets sorted, records in written order)."""
    frame = lineage.sort_values(["dataset", "record"], kind="mergesort")
    return _csv(frame, Path(path))


def write_reconciliation(recon: pd.DataFrame, dropped: pd.DataFrame, folder: Path) -> list[Path]:
    folder = Path(folder)
    drops = dropped.sort_values(["dataset", "form", "row", "reason"], kind="mergesort")
    paths = [_csv(recon, folder / "reconciliation.csv"), _csv(drops, folder / "dropped.csv")]
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
