"""``cdisc-dm synth``: write a synthetic raw export of the IL-2 dermatomyositis study."""
from __future__ import annotations

import argparse
import json

from ._common import add_output_flags, nonnegative_int, positive_int, writable_dir

NAME = "synth"
HELP = "write a synthetic raw EDC + lab export of the IL-2 dermatomyositis study"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder (created if needed)")
    parser.add_argument("--subjects", type=positive_int, default=240, metavar="N",
                        help="number of randomized subjects (about 1.25 x N are screened); default 240")
    parser.add_argument("--seed", type=nonnegative_int, default=7, metavar="S", help="random seed; same seed, same files (default 7)")
    parser.add_argument("--odm", action="store_true", help="also write odm/ODM.xml (CDISC ODM 1.3.2)")
    add_output_flags(parser)


def run(args: argparse.Namespace) -> int:
    from ..synth import synthesize

    out = writable_dir(args.out)
    summary = synthesize(out, subjects=args.subjects, seed=args.seed, odm=args.odm)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2))
    elif not args.quiet:
        arms = ", ".join(f"{k} {v}" for k, v in summary.by_arm.items())
        print(f"{summary.studyid}: {summary.screened} screened, {summary.randomized} randomized ({arms}), "
              f"{summary.discontinued} discontinued early; {len(summary.files)} files in {summary.out_dir}")
    return 0
