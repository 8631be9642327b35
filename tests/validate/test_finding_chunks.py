"""Findings kept as columns (FindingChunk) read back as the Finding records reports write."""
from __future__ import annotations

import dataclasses

import numpy as np

from cdisc_dm.validate.results import Finding, FindingChunk, RuleResult


def _chunk() -> FindingChunk:
    subjects = np.array(["S1-001", "", "S1-003"], dtype=object)
    return FindingChunk(
        dataset="LB",
        rows=np.array([2, 5, 9]),
        variables={
            "LBSTRESN": np.array([1.5, np.nan, 3.0]),
            "LBTESTCD": np.array(["ALT", "AST", ""], dtype=object),
            "$codes": np.array([["b", "a"], None, {"z"}], dtype=object),
        },
        usubjid=subjects,
        seq=np.array([1.0, 2.0, np.nan]),
        size=3,
    )


def test_chunk_reads_back_as_plain_findings():
    got = _chunk().findings()
    assert got == [
        Finding("LB", 2, {"LBSTRESN": 1.5, "LBTESTCD": "ALT", "$codes": ["a", "b"]}, "S1-001", 1.0),
        Finding("LB", 5, {"LBSTRESN": None, "LBTESTCD": "AST", "$codes": None}, None, 2.0),
        Finding("LB", 9, {"LBSTRESN": 3.0, "LBTESTCD": "", "$codes": ["z"]}, "S1-003", None),
    ]
    assert all(type(f.variables["LBSTRESN"]) in (float, type(None)) for f in got)


def test_count_does_not_build_findings_and_reading_keeps_order():
    result = RuleResult(rule_id="CDM-XX-0001", status="failed", message="m")
    result.findings = [Finding("AE", 1)]
    result.add_chunk(_chunk())
    assert result.count == 4
    assert "_chunks" in result.__dict__  # still compact
    rows = [(f.dataset, f.row) for f in result.findings]
    assert rows == [("AE", 1), ("LB", 2), ("LB", 5), ("LB", 9)]
    assert result.count == 4
    assert dataclasses.asdict(result)["findings"][1]["variables"]["$codes"] == ["a", "b"]
