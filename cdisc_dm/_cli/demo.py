"""``cdisc-dm demo``: the whole pipeline on a freshly synthesized IL-2 study, no set-up."""
from __future__ import annotations

import json

from ._common import add_output_flags, nonnegative_int, positive_int, writable_dir

NAME = "demo"
HELP = "synthesize the built-in IL-2 dermatomyositis study and run every stage on it"


def add_arguments(parser) -> None:
    parser.add_argument("--out", default="demo-run", metavar="DIR", help="run folder (default: demo-run)")
    parser.add_argument("--subjects", type=positive_int, default=240, metavar="N", help="randomized subjects (default 240)")
    parser.add_argument("--seed", type=nonnegative_int, default=7, metavar="S", help="random seed of the synthetic export (default 7)")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR",
                        help="extra rule folders for validation, e.g. CDISC CORE's published rules (repeatable)")
    add_output_flags(parser)


def run(args) -> int:
    from ..pipeline import demo, describe, print_progress

    out = writable_dir(args.out)
    result = demo(out, subjects=args.subjects, seed=args.seed, rules=args.rules,
                  progress=None if (args.quiet or args.json) else print_progress)
    if args.json:
        print(json.dumps(result.summary(), indent=2, sort_keys=True, default=str))
    elif not args.quiet:
        print(describe(result))
    return 0
