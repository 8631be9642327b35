"""Benchmark the validation reports (JSON, HTML, XLSX) on a synthetic validation result.

    python benchmarks/bench_reports.py --subjects 240 1000 10000 [--findings-per-subject 20]

A result is built with ``subjects x findings-per-subject`` findings spread over 40 failed
rules and 4 datasets (the shape of a messy first run). For each size and format a fresh
process builds the result and times the report write alone; the peak RSS is that process's
(result + writer). Rows/s counts findings written per second.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure  # noqa: E402

from cdisc_dm.validate.reports import write_html_report, write_json_report, write_xlsx_report  # noqa: E402
from cdisc_dm.validate.results import DatasetInfo, Finding, RuleResult, ValidationResult  # noqa: E402

DATASETS = ("AE", "LB", "CM", "VS")
N_RULES = 40
WRITERS = {"json": write_json_report, "html": write_html_report, "xlsx": write_xlsx_report}


def build_result(subjects: int, per_subject: int) -> ValidationResult:
    total = subjects * per_subject
    rules = []
    for k in range(N_RULES):
        dataset = DATASETS[k % len(DATASETS)]
        n = total // N_RULES + (1 if k < total % N_RULES else 0)
        findings = [
            Finding(dataset, i + 1, {f"{dataset}ORRES": f"{i * 0.1:.1f}", f"{dataset}ORRESU": None if i % 3 else "mg/dL",
                                     f"{dataset}DTC": "2026-03-01T10:00"},
                    usubjid=f"IL2DM-PKU-301-{i % 12 + 1:02d}-{i % subjects:04d}", seq=i % 40 + 1)
            for i in range(n)
        ]
        rules.append(RuleResult(f"CORE-{k + 1:06d}", "failed", f"Rule {k + 1} outcome message", severity=("error", "warning", "notice")[k % 3],
                                description="A description of what the rule checks", citations=["SDTMIG 3.4 section 4.1"],
                                datasets=[dataset], findings=findings, executability="Fully Executable"))
    datasets = [DatasetInfo(d, d, f"{d} label", subjects * 50, 30, f"sdtm/{d.lower()}.xpt") for d in DATASETS]
    return ValidationResult(path="/bench/sdtm", standard="SDTMIG 3.4", ct_version="2024-09-27", tool_version="0.1.0",
                            started="2026-11-29T08:00:00Z", duration_seconds=1.0, datasets=datasets, rules=rules)


def run_one(fmt: str, subjects: int, per_subject: int) -> tuple[float, int, int]:
    result = build_result(subjects, per_subject)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"validation.{fmt}"
        start = time.perf_counter()
        WRITERS[fmt](result, path)
        seconds = time.perf_counter() - start
        return seconds, path.stat().st_size, sum(r.count for r in result.rules)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    parser.add_argument("--findings-per-subject", type=int, default=20)
    parser.add_argument("--formats", nargs="+", default=list(WRITERS), choices=list(WRITERS))
    args = parser.parse_args(argv)
    print(f"{'subjects':>9} {'findings':>10} {'format':>6} {'seconds':>8} {'rows/s':>10} {'MB file':>8} {'peak MB':>8}")
    for subjects in args.subjects:
        for fmt in args.formats:
            _, peak_mb, (seconds, size, findings) = measure(run_one, fmt, subjects, args.findings_per_subject)
            print(f"{subjects:>9,} {findings:>10,} {fmt:>6} {seconds:>8.2f} {findings / seconds:>10,.0f} "
                  f"{size / 2**20:>8.1f} {peak_mb:>8.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
