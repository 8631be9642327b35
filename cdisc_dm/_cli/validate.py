"""``cdisc-dm validate PATH``: run the project rules (and ``--rules`` folders) over a package."""
from __future__ import annotations

import argparse
import json
import sys

from ..errors import UsageError
from ._common import add_output_flags, writable_dir

NAME = "validate"
HELP = "check SDTM/ADaM datasets (XPT, Dataset-JSON) against conformance rules (CDISC CORE format)"

_FORMATS = ("json", "html", "xlsx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a folder of datasets (.xpt/.json/.ndjson) or one dataset file")
    parser.add_argument("--define", help="the package's define.xml")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="a folder (or file) of rules in CORE format; repeatable")
    parser.add_argument("--no-project-rules", action="store_true", help="run only the --rules given, not the project's own rules (specs/rules)")
    parser.add_argument("--standard", choices=["sdtmig-3.4", "adamig-1.3"],
                        help="default: adamig-1.3 when every dataset is named AD..., else sdtmig-3.4")
    parser.add_argument("--ct", help="a controlled terminology file (NCI EVS tab-delimited)")
    parser.add_argument("--report", metavar="DIR", help="write reports to this folder")
    parser.add_argument("--format", default="json,html,xlsx", help="report formats, comma-separated (json,html,xlsx)")
    add_output_flags(parser)


def _formats(text: str) -> list[str]:
    out = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in out if f not in _FORMATS]
    if bad or not out:
        raise UsageError(f"--format: unknown format(s) {', '.join(bad) or '(none)'}; expected some of {', '.join(_FORMATS)}")
    return out


def _write_reports(result, folder, formats: list[str]) -> list[str]:
    try:
        from ..validate.reports import write_reports
    except ImportError:
        # the reports package is not there: the JSON form of the result is still useful
        path = folder / "validation.json"
        path.write_text(json.dumps(result.to_dict(), indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
        return [str(path)]
    return [str(p) for p in (write_reports(result, folder, formats) or [])]


def run(args: argparse.Namespace) -> int:
    from ..validate import validate

    formats = _formats(args.format) if args.report else []
    folder = writable_dir(args.report) if args.report else None
    if args.no_project_rules and not args.rules:
        raise UsageError("--no-project-rules needs at least one --rules DIR")
    result = validate(
        args.path, rules=args.rules, standard=args.standard, define=args.define, ct=args.ct,
        include_project_rules=not args.no_project_rules,
    )
    written = _write_reports(result, folder, formats) if folder is not None else []
    counts = result.counts()
    if args.json:
        summary = {
            "path": result.path,
            "standard": result.standard,
            "datasets": len(result.datasets),
            "rules": len(result.rules),
            "rules_by_status": {s: sum(r.status == s for r in result.rules) for s in ("passed", "failed", "error", "skipped")},
            "findings": counts,
            "reports": written,
        }
        print(json.dumps(summary, indent=2, sort_keys=True))
    elif not args.quiet:
        by = {s: sum(r.status == s for r in result.rules) for s in ("passed", "failed", "error", "skipped")}
        took = "" if result.duration_seconds is None else f" in {result.duration_seconds:.1f}s"
        print(f"validated {result.path} ({result.standard}): {len(result.datasets)} datasets, {len(result.rules)} rules{took}")
        print(f"rules: {by['failed']} failed, {by['passed']} passed, {by['skipped']} skipped, {by['error']} execution errors")
        print(f"findings: {counts['error']} errors, {counts['warning']} warnings, {counts['notice']} notices")
        for r in result.rules:
            if r.status == "failed":
                print(f"  {r.severity.upper():7} {r.rule_id}: {r.count} finding(s) in {', '.join(sorted({f.dataset for f in r.findings}))}: {r.message}")
            elif r.status == "error":
                print(f"  EXECUTION ERROR {r.rule_id}: {r.error}", file=sys.stderr)
        for p in written:
            print(f"report: {p}")
    return 1 if result.has_errors else 0
