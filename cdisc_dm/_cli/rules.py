"""``cdisc-dm rules test DIR``: run each rule's positive/negative test cases (CORE layout).

Exit code: 0 when every rule passes its cases, 1 when at least one fails (so it fits CI), 2 on
bad input (no such folder, no rule found).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import UsageError
from ._common import add_output_flags

NAME = "rules"
HELP = "work with conformance rules: `rules test DIR` runs each rule's positive/negative test data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION")
    test = sub.add_parser("test", help="run every rule folder's test cases and report pass/fail")
    test.add_argument("dir", help="a folder of rule folders (rule.yml + positive/ + negative/)")
    add_output_flags(test)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "rules_command", None) != "test":
        raise UsageError("expected an action: cdisc-dm rules test DIR")
    from ..validate.harness import run_rule_tests

    root = Path(args.dir)
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    report = run_rule_tests(root)
    if not report.results:
        raise UsageError(f"{root}: no rule.yml found")
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, sort_keys=True))
    elif not args.quiet:
        for r in report.results:
            print(f"{'PASS' if r.passed else 'FAIL'} {r.rule_id}" + ("" if r.passed else f": {r.reason}"))
        print("pass rate by Rule Type / Executability:")
        for (rtype, exe), (ok, total) in report.by_category().items():
            print(f"  {rtype} / {exe}: {ok}/{total} ({ok / total:.0%})")
        ok = sum(r.passed for r in report.results)
        print(f"total: {ok}/{len(report.results)} rules pass")
    return 0 if all(r.passed for r in report.results) else 1
