"""``cdisc-dm run``: every stage on a raw export, into one run folder."""
from __future__ import annotations

import json

from ._common import add_output_flags, writable_dir

NAME = "run"
HELP = "convert a raw export and validate the result, into one run folder"


def add_arguments(parser) -> None:
    parser.add_argument("--raw", required=True, metavar="DIR", help="the raw export folder (or an ODM file)")
    parser.add_argument("--study", default="il2dm", metavar="DIR", help="a study folder or a built-in study name (default il2dm)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the run folder to write")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule folders (repeatable)")
    parser.add_argument("--created", default=None, metavar="DATETIME", help="creation time written into outputs (ISO 8601)")
    add_output_flags(parser)


def run(args) -> int:
    from ..pipeline import describe, print_progress
    from ..pipeline import run as run_pipeline

    out = writable_dir(args.out)
    result = run_pipeline(args.raw, args.study, out, rules=args.rules, created=args.created,
                          progress=None if (args.quiet or args.json) else print_progress)
    if args.json:
        print(json.dumps(result.summary(), indent=2, sort_keys=True, default=str))
    elif not args.quiet:
        print(describe(result))
    return 1 if result.has_conformance_errors else 0
