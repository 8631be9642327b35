"""The CORE rule model: a ``rule.yml`` parsed once into typed, immutable objects.

CDISC CORE publishes conformance rules as YAML (Authorities, Scope, Sensitivity, Check tree of
``all``/``any``/``not`` over operators, Operations, Match Datasets, Outcome). Our own rules use
the same format with our own id prefix. Parsing happens once per run; the engine only reads
these objects.

Example::

    rule = parse_rule(Path("CORE-000001/rule.yml"))
    rule.core_id        # "CORE-000001"
    rule.check          # Group(kind="all", items=(Condition(name="IECAT", operator="equal_to", ...), ...))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from ..errors import Location, RuleError

__all__ = [
    "Rule",
    "Citation",
    "Scope",
    "Condition",
    "Group",
    "Operation",
    "MatchDataset",
    "parse_rule",
    "parse_rule_dict",
    "find_rule_files",
]

try:  # the C loader parses the ~300 published rules about ten times faster
    _Loader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

# Parameters a check condition may carry besides name/operator/value (CORE's check_parameter list).
_CONDITION_KEYS = {
    "name", "operator", "value", "value_is_literal", "value_is_reference", "type_insensitive",
    "round_values", "case_insensitive", "prefix", "suffix", "regex", "date_component", "negative",
    "within", "ordering", "order", "null_position", "comparator", "target", "separator", "context",
}


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: a standard, its conformance rule id and the cited section."""

    standard: str  # "SDTMIG"
    version: str | None  # "3.4"
    rule_identifier: str | None  # "CG0176" / "SD0001"
    document: str | None
    section: str | None
    guidance: str | None

    def __str__(self) -> str:
        text = f"{self.standard} {self.version or ''}".strip()
        if self.section:
            text += f" section {self.section}"
        if self.rule_identifier:
            text += f" ({self.rule_identifier})"
        return text


@dataclass(frozen=True)
class Scope:
    classes_include: tuple[str, ...] = ("ALL",)
    classes_exclude: tuple[str, ...] = ()
    domains_include: tuple[str, ...] = ("ALL",)
    domains_exclude: tuple[str, ...] = ()
    include_split_datasets: bool | None = None


@dataclass(frozen=True)
class Condition:
    """One leaf of the check tree: ``name`` ``operator`` ``value`` plus operator parameters."""

    operator: str
    name: Any = None
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass(frozen=True)
class Group:
    kind: str  # "all" | "any" | "not"
    items: tuple["Node", ...]


Node = Union[Condition, Group]


@dataclass(frozen=True)
class Operation:
    """A computed value a check can refer to as ``$id`` (distinct, record_count, dy, ...)."""

    id: str
    operator: str
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass(frozen=True)
class MatchDataset:
    name: str  # "DM", "SUPP--", "RELREC", ...
    keys: tuple[Any, ...] = ()  # variable names, or {left: ..., right: ...} pairs
    is_relationship: bool = False
    child: bool = False
    wildcard: str | None = None


@dataclass(frozen=True)
class Rule:
    core_id: str
    status: str | None
    description: str
    message: str
    rule_type: str
    executability: str | None
    sensitivity: str  # "Record" | "Dataset"
    scope: Scope
    check: Node
    operations: tuple[Operation, ...]
    match_datasets: tuple[MatchDataset, ...]
    output_variables: tuple[str, ...]
    citations: tuple[Citation, ...]
    standards: tuple[tuple[str, str | None], ...]  # (name, version) from Authorities
    severity: str = "error"
    source: str = "CORE"
    file: str | None = None

    def applies_to_standard(self, name: str, version: str | None = None) -> bool:
        """True when the Authorities name the standard (any version when ``version`` is None)."""
        for std, ver in self.standards:
            if std.upper() == name.upper() and (version is None or ver is None or ver == version):
                return True
        return False


def _fail(path: str | None, message: str) -> RuleError:
    return RuleError(message, Location(file=path))


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _parse_node(node: Any, path: str | None, where: str) -> Node:
    if isinstance(node, list):  # a bare list means "all"
        return Group("all", tuple(_parse_node(n, path, f"{where}[{i}]") for i, n in enumerate(node)))
    if not isinstance(node, dict):
        raise _fail(path, f"{where}: expected a mapping with all/any/not or an operator, got {type(node).__name__}")
    groups = [k for k in ("all", "any", "not") if k in node]
    if groups:
        if len(node) != 1:
            raise _fail(path, f"{where}: a group has exactly one of all/any/not, got keys {sorted(node)}")
        kind = groups[0]
        body = node[kind]
        if kind == "not":
            return Group("not", (_parse_node(body, path, f"{where}.not"),))
        if not isinstance(body, list) or not body:
            # CORE files sometimes write `all: {name: ..., operator: ...}`: one condition
            body = [body] if isinstance(body, dict) else body
        if not isinstance(body, list) or not body:
            raise _fail(path, f"{where}.{kind}: expected a non-empty list of conditions")
        return Group(kind, tuple(_parse_node(n, path, f"{where}.{kind}[{i}]") for i, n in enumerate(body)))
    if "operator" not in node:
        raise _fail(path, f"{where}: condition without an operator (keys: {sorted(node)})")
    op = node["operator"]
    if not isinstance(op, str):
        raise _fail(path, f"{where}: operator must be a string, got {op!r}")
    params = {k: v for k, v in node.items() if k not in ("name", "operator", "value")}
    return Condition(operator=op, name=node.get("name"), value=node.get("value"), params=params)


def _parse_authorities(doc: dict, path: str | None) -> tuple[tuple[Citation, ...], tuple[tuple[str, str | None], ...]]:
    citations: list[Citation] = []
    standards: list[tuple[str, str | None]] = []
    for auth in _as_list(doc.get("Authorities")):
        if not isinstance(auth, dict):
            raise _fail(path, "Authorities: expected a list of mappings")
        for std in _as_list(auth.get("Standards")):
            if not isinstance(std, dict):
                continue
            name = str(std.get("Name", ""))
            version = None if std.get("Version") is None else str(std.get("Version"))
            standards.append((name, version))
            for ref in _as_list(std.get("References")):
                if not isinstance(ref, dict):
                    continue
                ident = ref.get("Rule Identifier") or {}
                rid = ident.get("Id") if isinstance(ident, dict) else None
                for cit in _as_list(ref.get("Citations")):
                    if not isinstance(cit, dict):
                        continue
                    citations.append(
                        Citation(
                            standard=name,
                            version=version,
                            rule_identifier=None if rid is None else str(rid),
                            document=None if cit.get("Document") is None else str(cit.get("Document")),
                            section=None if cit.get("Section") is None else str(cit.get("Section")),
                            guidance=None if cit.get("Cited Guidance") is None else str(cit.get("Cited Guidance")),
                        )
                    )
    return tuple(citations), tuple(standards)


def _parse_scope(raw: Any, path: str | None) -> Scope:
    if raw is None:
        return Scope()
    if not isinstance(raw, dict):
        raise _fail(path, "Scope: expected a mapping")
    classes = raw.get("Classes") or {}
    domains = raw.get("Domains") or {}
    if not isinstance(classes, dict) or not isinstance(domains, dict):
        raise _fail(path, "Scope: Classes and Domains must be mappings with Include/Exclude")
    up = lambda xs: tuple(str(x).strip().upper() for x in _as_list(xs))  # noqa: E731
    return Scope(
        classes_include=up(classes.get("Include")) or ("ALL",),
        classes_exclude=up(classes.get("Exclude")),
        domains_include=up(domains.get("Include")) or ("ALL",),
        domains_exclude=up(domains.get("Exclude")),
        include_split_datasets=domains.get("include_split_datasets"),
    )


def parse_rule_dict(doc: Any, path: str | None = None, *, source: str = "CORE") -> Rule:
    """Build a :class:`Rule` from an already-loaded YAML mapping; RuleError naming ``path`` if malformed."""
    if not isinstance(doc, dict):
        raise _fail(path, "a rule file must be a YAML mapping")
    core = doc.get("Core") or {}
    if not isinstance(core, dict) or not core.get("Id"):
        raise _fail(path, "missing Core: Id")
    if "Check" not in doc:
        raise _fail(path, f"rule {core.get('Id')}: missing Check")
    check = _parse_node(doc["Check"], path, "Check")
    operations = []
    for i, op in enumerate(_as_list(doc.get("Operations"))):
        if not isinstance(op, dict) or not (op.get("operator") or op.get("operation")) or not op.get("id"):
            raise _fail(path, f"Operations[{i}]: each operation needs an id and an operator")
        params = {k: v for k, v in op.items() if k not in ("id", "operator", "operation")}
        operations.append(Operation(id=str(op["id"]), operator=str(op.get("operator") or op.get("operation")), params=params))
    matches = []
    for i, m in enumerate(_as_list(doc.get("Match Datasets"))):
        if not isinstance(m, dict) or not m.get("Name"):
            raise _fail(path, f"Match Datasets[{i}]: needs a Name")
        matches.append(
            MatchDataset(
                name=str(m["Name"]).upper(),
                keys=tuple(_as_list(m.get("Keys"))),
                is_relationship=bool(m.get("Is Relationship", False)),
                child=bool(m.get("Child", False)),
                wildcard=m.get("Wildcard"),
            )
        )
    outcome = doc.get("Outcome") or {}
    if not isinstance(outcome, dict):
        raise _fail(path, "Outcome: expected a mapping with Message")
    citations, standards = _parse_authorities(doc, path)
    sensitivity = str(doc.get("Sensitivity") or "Record").strip().title()
    severity = str(doc.get("Severity") or "error").lower()  # CORE rules carry none: report as errors
    if severity not in ("error", "warning", "notice"):
        raise _fail(path, f"Severity: expected error, warning or notice, got {severity!r}")
    return Rule(
        core_id=str(core["Id"]),
        status=core.get("Status"),
        description=str(doc.get("Description") or ""),
        message=str(outcome.get("Message") or doc.get("Description") or ""),
        rule_type=str(doc.get("Rule Type") or "Record Data"),
        executability=doc.get("Executability"),
        sensitivity=sensitivity,
        scope=_parse_scope(doc.get("Scope"), path),
        check=check,
        operations=tuple(operations),
        match_datasets=tuple(matches),
        output_variables=tuple(str(v) for v in _as_list(outcome.get("Output Variables"))),
        citations=citations,
        standards=standards,
        severity=severity,
        source=source,
        file=path,
    )


def parse_rule(path: str | Path, *, source: str | None = None) -> Rule:
    """Read and parse one rule file (YAML or JSON); RuleError naming the file when malformed."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(str(p), f"cannot read rule file: {exc.strerror or exc}") from None
    try:
        doc = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = Location(file=str(p), line=mark.line + 1, column=mark.column + 1) if mark else Location(file=str(p))
        raise RuleError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", loc) from None
    rule = parse_rule_dict(doc, str(p), source=source or "CORE")
    if source is None and not rule.core_id.upper().startswith("CORE-"):
        rule = _with_source(rule, "cdisc_dm")
    return rule


def _with_source(rule: Rule, source: str) -> Rule:
    from dataclasses import replace

    return replace(rule, source=source)


def find_rule_files(root: str | Path) -> list[Path]:
    """Rule files under ``root``: a file itself, or every ``rule.yml``/``*.yml``/``*.yaml`` below a folder.

    In CORE's layout (``CORE-000001/rule.yml`` with ``positive/`` and ``negative/`` test folders)
    the test folders are not searched; every other YAML file is one rule.
    """
    p = Path(root)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise RuleError("no such rule file or folder", Location(file=str(p)))
    out = []
    for f in sorted(p.rglob("*")):
        if f.suffix not in (".yml", ".yaml") or not f.is_file():
            continue
        rel = f.relative_to(p).parts
        if "positive" in rel or "negative" in rel or any(part.startswith(".") for part in rel):
            continue  # a rule's test data, or hidden files
        out.append(f)
    return out
