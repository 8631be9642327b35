"""YAML loading that remembers where every value came from.

Specs and study definitions are edited by people; their errors must read like a
compiler's (``dm.yaml:14:5: ...``). :func:`load_yaml` returns plain dicts/lists/scalars
whose mappings are :class:`LocatedDict` (with ``.loc(key)`` giving the line and column of
that key) and whose sequences are :class:`LocatedList` (``.loc(i)``). Duplicate keys are
errors, not silently "last one wins" as in plain PyYAML.

Example::

    doc = load_yaml(Path("mappings/il2dm/study.yaml"))
    line, col = doc.loc("visits")          # 1-based
    raise SpecError("bad visit", location=doc.location("visits"))
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Location, SpecError

__all__ = ["LocatedDict", "LocatedList", "load_yaml", "load_yaml_text"]


class LocatedDict(dict):
    """A dict that knows the file, line and column of each key (1-based)."""

    file: str | None = None
    start: tuple[int, int] = (1, 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._locs: dict[Any, tuple[int, int]] = {}
        self._value_locs: dict[Any, tuple[int, int]] = {}

    def loc(self, key: Any) -> tuple[int, int]:
        return self._locs.get(key, self.start)

    def value_loc(self, key: Any) -> tuple[int, int]:
        return self._value_locs.get(key, self.loc(key))

    def location(self, key: Any | None = None, *, value: bool = False) -> Location:
        if key is None:
            line, col = self.start
        else:
            line, col = self.value_loc(key) if value else self.loc(key)
        return Location(file=self.file, line=line, column=col)


class LocatedList(list):
    """A list that knows the line and column of each item (1-based)."""

    file: str | None = None
    start: tuple[int, int] = (1, 1)

    def __init__(self, *args):
        super().__init__(*args)
        self._locs: list[tuple[int, int]] = []

    def loc(self, index: int) -> tuple[int, int]:
        return self._locs[index] if 0 <= index < len(self._locs) else self.start

    def location(self, index: int | None = None) -> Location:
        line, col = self.start if index is None else self.loc(index)
        return Location(file=self.file, line=line, column=col)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(yaml.SafeLoader):
    """SafeLoader building Located containers and refusing duplicate keys."""

    file_name: str | None = None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.file = loader.file_name
    result.start = _mark(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            line, col = _mark(key_node)
            raise SpecError("a mapping key must be a plain value", Location(loader.file_name, line, col)) from None
        if key in result:
            line, col = _mark(key_node)
            first = result.loc(key)
            raise SpecError(
                f"duplicate key {key!r} (first defined at line {first[0]})",
                Location(loader.file_name, line, col),
                hint="each key may appear once in a mapping; remove or rename one of them",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result._locs[key] = _mark(key_node)
        result._value_locs[key] = _mark(value_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.file = loader.file_name
    result.start = _mark(node)
    result._locs = [_mark(child) for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_text(text: str, file_name: str | None = None) -> Any:
    """Parse YAML text; syntax errors become SpecError with file:line:col."""
    loader = _Loader(text)
    loader.file_name = file_name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file_name, mark.line + 1, mark.column + 1) if mark else Location(file_name)
        raise SpecError(f"YAML syntax error: {exc.problem or exc.context}", loc) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"YAML error: {exc}", Location(file_name)) from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("file not found", Location(path)) from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Location(path)) from None
    return load_yaml_text(text, str(path))
