"""Where the shipped specs/ and mappings/ folders are.

In a source checkout they sit next to the package (the design card's top level); in an
installed wheel they are copied inside the package as ``cdisc_dm/specs`` and
``cdisc_dm/mappings`` (see pyproject.toml). Product code never reads ``../shared``.
"""
from __future__ import annotations

from pathlib import Path

from .errors import UsageError

__all__ = ["specs_dir", "mappings_dir", "study_dir"]

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to or inside {_PKG}")


def specs_dir() -> Path:
    return _find("specs")


def mappings_dir() -> Path:
    return _find("mappings")


def study_dir(study: str | Path) -> Path:
    """Resolve ``--study``: a folder path, or the name of a built-in study such as ``il2dm``."""
    path = Path(study)
    if path.is_dir():
        return path
    builtin = mappings_dir() / str(study)
    if builtin.is_dir():
        return builtin
    known = sorted(p.name for p in mappings_dir().iterdir() if p.is_dir())
    raise UsageError(f"unknown study {str(study)!r}: not a folder and not a built-in study (built-in: {', '.join(known)})")
