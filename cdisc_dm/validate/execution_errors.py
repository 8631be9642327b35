"""Errors raised while one rule executes; the engine turns them into status "error" for that rule."""
from __future__ import annotations

__all__ = ["RuleExecutionError", "UnknownOperator", "UnknownOperation"]


class RuleExecutionError(Exception):
    """A rule could not be executed (it is reported with status "error", the run goes on)."""


class UnknownOperator(RuleExecutionError):
    def __init__(self, name: str):
        super().__init__(f"unknown check operator {name!r}")
        self.name = name


class UnknownOperation(RuleExecutionError):
    def __init__(self, name: str):
        super().__init__(f"unknown operation {name!r}")
        self.name = name
