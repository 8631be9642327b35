"""Validation reports: JSON (machines), HTML (reviewers), XLSX (validators), console summary.

All of them render a :class:`~cdisc_dm.validate.results.ValidationResult` and nothing else;
the same result always gives byte-identical files.

Example::

    from cdisc_dm.validate.reports import write_reports, format_console_summary
    write_reports(result, "run/reports")            # validation.json, .html, .xlsx
    print(format_console_summary(result))
"""
from __future__ import annotations

from ._write_reports import REPORT_FORMATS, write_reports
from .console_summary import format_console_summary
from .html_report import render_html_report, write_html_report
from .json_report import SCHEMA_VERSION, load_report_schema, render_json_report, report_document, write_json_report
from .xlsx_report import write_xlsx_report

__all__ = [
    "write_reports",
    "format_console_summary",
    "REPORT_FORMATS",
    "SCHEMA_VERSION",
    "report_document",
    "render_json_report",
    "write_json_report",
    "load_report_schema",
    "render_html_report",
    "write_html_report",
    "write_xlsx_report",
]
