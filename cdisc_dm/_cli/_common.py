"""Helpers shared by sub-commands: argument types with one-line errors, output folders."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import UsageError

__all__ = ["positive_int", "nonnegative_int", "writable_dir", "add_output_flags", "add_stage_flags"]


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected a number of at least {minimum}, got {value}")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1 (e.g. --subjects)."""
    return _whole_number(text, 1)


def nonnegative_int(text: str) -> int:
    """A whole number of at least 0 (e.g. --seed)."""
    return _whole_number(text, 0)


def writable_dir(path: str | Path) -> Path:
    """Create ``path`` if needed and check it can be written; UsageError (exit 2) if not."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create output folder {p}: {exc.strerror or exc}") from None
    if not os.access(p, os.W_OK | os.X_OK):
        raise UsageError(f"output folder {p} is not writable")
    return p


def add_output_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")


def add_stage_flags(parser: argparse.ArgumentParser, plan_help: str) -> None:
    """The flags every spec-driven stage shares (convert, derive): study, plan, formats, creation time."""
    parser.add_argument("--study", default="il2dm", metavar="DIR",
                        help="a study folder (mappings/<study>) or a built-in study name (default: il2dm)")
    parser.add_argument("--plan", action="store_true", help=plan_help)
    parser.add_argument("--formats", default="xpt,json",
                        help="dataset formats, comma-separated: xpt,json,ndjson (default xpt,json)")
    parser.add_argument("--created", metavar="DATETIME",
                        help="creation time written into outputs (ISO 8601; default fixed, for reproducible runs)")
    add_output_flags(parser)
