"""The workbook validators work from: ``validation.xlsx`` with Pinnacle 21's familiar tabs.

Tabs: Conformance Details, Dataset Details, Issue Summary, Issue Details, Rules Report. Each
tab has a bold frozen header row and an autofilter. The bytes are identical for the same
result: the document dates come from ``result.started`` and xlsxwriter stamps every zip
member with a fixed 1980 date.

Excel holds at most 1,048,576 rows per sheet (header included). When the findings do not
fit, Issue Details lists the first ones and ends with a note row, and Conformance Details
says so; ``validation.json`` always has every finding.

Example::

    write_xlsx_report(result, Path("reports/validation.xlsx"))
"""
from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from ...errors import UsageError
from ..results import Finding, RuleResult, ValidationResult
from ._atomic import atomic_target
from ._ordering import SEVERITIES, findings_per_dataset, severity_rank
from ._values import clean_text, to_json_value, to_text

__all__ = ["write_xlsx_report", "EXCEL_MAX_DATA_ROWS", "EXCEL_MAX_CELL_CHARS", "SHEETS"]

EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows per sheet minus the header row
EXCEL_MAX_CELL_CHARS = 32_767  # longest text an Excel cell holds
_WIDTH_SAMPLE = 1_000  # rows looked at to size the columns
_MAX_WIDTH = 60

SHEETS: dict[str, tuple[str, ...]] = {
    "Conformance Details": ("Item", "Value"),
    "Dataset Details": ("Dataset", "Label", "Class", "Records", "Variables", "File"),
    "Issue Summary": ("Dataset", "Rule ID", "Message", "Severity", "Count"),
    "Issue Details": ("Rule ID", "Dataset", "Row", "USUBJID", "Seq", "Variables", "Values", "Message", "Severity"),
    "Rules Report": (
        "Rule ID", "Status", "Severity", "Source", "Message", "Description", "Executability",
        "Rule Type", "Citations", "Datasets", "Count", "Reason",
    ),
}


def _created(started: str) -> _dt.datetime:
    try:
        when = _dt.datetime.fromisoformat(started)
    except ValueError:
        raise UsageError(
            f"ValidationResult.started is {started!r}, not an ISO 8601 date-time such as "
            "2026-11-29T08:00:00Z; the XLSX report takes its document date from it"
        ) from None
    if when.tzinfo is not None:
        when = when.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return when


def _cell_text(text: str) -> str:
    text = clean_text(text)
    if len(text) <= EXCEL_MAX_CELL_CHARS:
        return text
    note = f" … [cut: {len(text):,} characters; the full value is in validation.json]"
    return text[: EXCEL_MAX_CELL_CHARS - len(note)] + note


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    text = value if isinstance(value, str) else to_text(value)
    return max((len(line) for line in text.split("\n")), default=0)


class _Sheet:
    """One tab: header, rows (str, int, float or None per cell), sized columns, filter, frozen header."""

    def __init__(self, workbook: xlsxwriter.Workbook, name: str, formats: dict[str, Any]):
        self.ws = workbook.add_worksheet(name)
        self.headers = SHEETS[name]
        self.formats = formats
        self.row = 0

    def write(self, rows: Iterable[Sequence[Any]], *, max_width: int = _MAX_WIDTH) -> int:
        rows = iter(rows)
        head = list(itertools.islice(rows, _WIDTH_SAMPLE))
        # Columns sized from the header and the first rows only: sizing from all rows would
        # mean holding a million findings in memory.
        for col, header in enumerate(self.headers):
            width = max([len(header) + 3] + [_display_width(r[col]) + 1 for r in head])
            self.ws.set_column(col, col, min(width, max_width))
        for col, header in enumerate(self.headers):
            self.ws.write_string(0, col, header, self.formats["header"])
        self.ws.freeze_panes(1, 0)
        for values in itertools.chain(head, rows):
            self.append(values)
        self.ws.autofilter(0, 0, max(self.row, 1), len(self.headers) - 1)
        return self.row

    def append(self, values: Sequence[Any], fmt: Any = None) -> None:
        self.row += 1
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                self.ws.write_string(self.row, col, "true" if value else "false", fmt)
            elif isinstance(value, (int, float)):
                self.ws.write_number(self.row, col, value, fmt)
            else:
                self.ws.write_string(self.row, col, _cell_text(str(value)), fmt)


def _number(value: Any) -> int | float | str | None:
    """A number cell when the value is numeric (--SEQ), its text otherwise, blank when missing."""
    value = to_json_value(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return to_text(value)
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value


def _detail_rows(result: ValidationResult, limit: int) -> Iterator[tuple[Any, ...]]:
    # Findings by dataset and record, as reviewers walk a dataset top to bottom; the rule
    # order (severity, then id) breaks ties. Dataset-level findings (row None) come first.
    entries: list[tuple[str, int, int, str, int, RuleResult, Finding]] = []
    for rule in result.rules:
        if rule.status != "failed":
            continue
        rank = severity_rank(rule.severity)
        for i, f in enumerate(rule.findings):
            entries.append((f.dataset, -1 if f.row is None else int(f.row), rank, rule.rule_id, i, rule, f))
    entries.sort(key=lambda e: e[:5])
    for *_, rule, f in entries[:limit]:
        names = list(f.variables)
        yield (
            rule.rule_id,
            f.dataset,
            None if f.row is None else int(f.row),
            None if f.usubjid is None else to_text(f.usubjid),
            _number(f.seq),
            ", ".join(clean_text(str(n)) for n in names),
            ", ".join(to_text(f.variables[n]) for n in names),
            f.message if f.message is not None else rule.message,
            rule.severity,
        )


def write_xlsx_report(result: ValidationResult, path: Path, *, max_detail_rows: int = EXCEL_MAX_DATA_ROWS) -> Path:
    """Write ``validation.xlsx`` atomically and return its path.

    ``max_detail_rows`` is the number of data rows Issue Details may hold (Excel's limit by
    default); beyond it the findings are cut and the last row says how many are missing.
    """
    if max_detail_rows < 1:
        raise UsageError(f"max_detail_rows must be at least 1, got {max_detail_rows}")
    path = Path(path)
    created = _created(result.started)
    counts = result.counts()
    total_findings = sum(r.count for r in result.rules if r.status == "failed")
    truncated = total_findings > max_detail_rows
    listed = max_detail_rows - 1 if truncated else total_findings
    by_status = {s: sum(1 for r in result.rules if r.status == s) for s in ("passed", "failed", "error", "skipped")}

    with atomic_target(path) as tmp:
        workbook = xlsxwriter.Workbook(
            str(tmp),
            {
                # Streams rows to disk: a million findings do not have to fit in memory.
                "constant_memory": True,
                # Finding values are untrusted data: never turn "=..." into a formula,
                # "http..." into a link or "1e5" into a number.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        workbook.set_properties(
            {
                "title": f"Validation report: {clean_text(result.path)}",
                "subject": f"{result.standard} conformance",
                "author": f"cdisc_dm {result.tool_version}",
                "created": created,
            }
        )
        formats = {
            "header": workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1}),
            "note": workbook.add_format({"italic": True, "font_color": "#9C0006"}),
        }

        details_note = (
            f"Issue Details lists {listed:,} of {total_findings:,} findings (Excel's row limit); "
            "validation.json has all of them"
            if truncated
            else f"Issue Details lists all {total_findings:,} findings"
        )
        conformance = [
            ("Validated", result.path),
            ("Standard", result.standard),
            ("Controlled terminology", result.ct_version),
            ("Define-XML", result.define),
            ("Tool", f"cdisc_dm {result.tool_version}"),
            ("Started", result.started),
            ("Duration (seconds)", result.duration_seconds),
            ("Datasets", len(result.datasets)),
            ("Rules run", len(result.rules)),
            ("Rules passed", by_status["passed"]),
            ("Rules failed", by_status["failed"]),
            ("Rules with execution errors", by_status["error"]),
            ("Rules skipped", by_status["skipped"]),
            *((f"{s.capitalize()}s", counts[s]) for s in SEVERITIES),
            ("Findings", total_findings),
            ("Issue Details", details_note),
        ]
        _Sheet(workbook, "Conformance Details", formats).write(conformance, max_width=100)

        _Sheet(workbook, "Dataset Details", formats).write(
            (d.name, d.label, d.klass, d.records, d.variables, d.file) for d in result.datasets
        )

        summary = sorted(
            (
                (dataset, rule.rule_id, rule.message, rule.severity, n)
                for rule in result.rules
                if rule.status == "failed"
                for dataset, n in findings_per_dataset(rule)
            ),
            key=lambda row: (row[0], severity_rank(row[3]), row[1]),
        )
        _Sheet(workbook, "Issue Summary", formats).write(summary, max_width=80)

        details = _Sheet(workbook, "Issue Details", formats)
        details.write(_detail_rows(result, listed), max_width=50)
        if truncated:
            details.append(
                (f"{total_findings - listed:,} more findings not listed: Excel's row limit. "
                 "validation.json has every finding.",),
                formats["note"],
            )

        _Sheet(workbook, "Rules Report", formats).write(
            (
                (
                    r.rule_id, r.status, r.severity, r.source, r.message, r.description, r.executability,
                    r.rule_type, "; ".join(r.citations), ", ".join(r.datasets), r.count,
                    r.error if r.status == "error" else r.skip_reason if r.status == "skipped" else None,
                )
                for r in sorted(result.rules, key=lambda r: r.rule_id)
            ),
            max_width=80,
        )
        workbook.close()
    return path
