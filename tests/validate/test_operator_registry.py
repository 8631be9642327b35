"""Every operator and operation named by a rule in ../shared/core-rules is registered."""
from __future__ import annotations

import pytest

from cdisc_dm.validate.operations import OPERATIONS
from cdisc_dm.validate.operators import OPERATORS
from cdisc_dm.validate.rule import Condition, Group, parse_rule

pytestmark = pytest.mark.shared


def _operators(node):
    if isinstance(node, Condition):
        yield node.operator
    elif isinstance(node, Group):
        for item in node.items:
            yield from _operators(item)


def test_every_operator_used_by_core_rules_is_registered(core_rules):
    used: dict[str, str] = {}
    for f in sorted(core_rules.glob("*/rule.yml")):
        rule = parse_rule(f)
        for op in _operators(rule.check):
            used.setdefault(op, rule.core_id)
    assert len(used) > 20
    missing = {op: rid for op, rid in used.items() if op not in OPERATORS}
    assert not missing, f"operators used but not registered (operator: first rule): {missing}"


def test_every_operation_used_by_core_rules_is_registered(core_rules):
    used: dict[str, str] = {}
    for f in sorted(core_rules.glob("*/rule.yml")):
        rule = parse_rule(f)
        for op in rule.operations:
            used.setdefault(op.operator, rule.core_id)
    missing = {op: rid for op, rid in used.items() if op not in OPERATIONS}
    assert not missing, f"operations used but not registered (operation: first rule): {missing}"


def test_complements_are_negations():
    # each not_/non_ operator registered next to its base is its logical complement: check the pairs exist
    for base, comp in [("exists", "not_exists"), ("empty", "non_empty"), ("is_unique_set", "is_not_unique_set"),
                       ("contains_all", "not_contains_all"), ("is_ordered_subset_of", "is_not_ordered_subset_of")]:
        assert base in OPERATORS and comp in OPERATORS
