"""Small shared helpers for reading the shipped standards files."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..errors import Location, SpecError, StandardsError
from ..yamlio import LocatedDict, LocatedList, load_yaml

T = TypeVar("T")
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Load a standards YAML file; its syntax errors are StandardsErrors (file:line:col)."""
    try:
        return load_yaml(path)
    except SpecError as exc:  # same location, but the fault is in standards metadata
        raise StandardsError(exc.message, exc.location, exc.hint) from None


def require(doc: LocatedDict, key: str, kind: type | tuple[type, ...], what: str) -> Any:
    """``doc[key]`` checked to be of ``kind``; StandardsError naming file:line otherwise."""
    if not isinstance(doc, dict):
        raise StandardsError(f"expected a mapping for {what}", _loc(doc))
    if key not in doc:
        raise StandardsError(f"{what}: missing key {key!r}", _loc(doc))
    value = doc[key]
    if not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise StandardsError(
            f"{what}: {key!r} must be {expected}, got {type(value).__name__} {value!r}",
            doc.location(key, value=True) if isinstance(doc, LocatedDict) else None,
        )
    return value


def _loc(obj: Any) -> Location | None:
    if isinstance(obj, (LocatedDict, LocatedList)):
        return obj.location()
    return None


def loc_of(container: Any, key: Any) -> Location | None:
    if isinstance(container, (LocatedDict, LocatedList)):
        return container.location(key)
    return None


def parse_fast_then_located(path: Path, parse: Callable[[Any], T]) -> T:
    """Run ``parse`` on ``path`` read with libyaml (fast); on any failure, read it again with
    locations and re-run, so the error names file:line:col.

    The shipped standards files are large and loaded by every process; the located loader is
    ~10x slower. Duplicate keys (which only the located loader refuses) are caught by the test
    that loads every shipped file both ways.
    """
    try:
        text = path.read_text(encoding="utf-8")
        doc = yaml.load(text, Loader=_FAST_LOADER)
    except Exception:  # noqa: BLE001 - any problem: the located path reports it properly
        return parse(read_yaml(path))
    try:
        return parse(doc)
    except Exception:  # noqa: BLE001
        return parse(read_yaml(path))
