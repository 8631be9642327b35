"""The ``cdisc-dm`` command.

The CLI only parses arguments, calls the Python API and maps results to exit codes:
0 success, 1 conformance errors found, 2 bad input or usage. Each sub-command lives in
its own module under ``cdisc_dm/_cli/`` and exposes ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; modules are discovered, so adding a command touches one file.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Sequence

from . import __version__
from ._malloc import tune_malloc
from .errors import CdiscDmError

__all__ = ["main", "build_parser"]


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints a usage block on errors; we print one line and exit 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _command_modules():
    from . import _cli

    for info in sorted(pkgutil.iter_modules(_cli.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{_cli.__name__}.{info.name}")
        if hasattr(mod, "run") and hasattr(mod, "add_arguments"):
            yield getattr(mod, "NAME", info.name), mod


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="cdisc-dm", description="Raw clinical-trial exports to CDISC SDTM, ADaM, Define-XML and conformance reports.")
    parser.add_argument("--version", action="version", version=f"cdisc-dm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineParser)
    for name, mod in _command_modules():
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    tune_malloc()  # big temporary arrays from the heap, not fresh kernel pages each time
    try:
        return int(args._run(args))
    except CdiscDmError as exc:
        print(f"cdisc-dm {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cdisc-dm {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
