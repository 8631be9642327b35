"""Write the requested validation reports into a folder.

Example::

    paths = write_reports(result, "run/reports", formats=("json", "html"))
    # [PosixPath('run/reports/validation.json'), PosixPath('run/reports/validation.html')]
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ...errors import UsageError
from ..results import ValidationResult
from .html_report import write_html_report
from .json_report import write_json_report
from .xlsx_report import write_xlsx_report

__all__ = ["write_reports", "REPORT_FORMATS"]

REPORT_FORMATS: dict[str, tuple[str, Callable[[ValidationResult, Path], Path]]] = {
    "json": ("validation.json", write_json_report),
    "html": ("validation.html", write_html_report),
    "xlsx": ("validation.xlsx", write_xlsx_report),
}


def write_reports(
    result: ValidationResult, report_dir: str | Path, formats: Iterable[str] = ("json", "html", "xlsx")
) -> list[Path]:
    """Write one file per format (each atomically) and return their paths in the order asked.

    ``formats`` may repeat or differ in case (``("JSON", "json")`` writes one file); an
    unknown format is a :class:`UsageError` raised before anything is written.
    """
    if isinstance(formats, str):
        formats = formats.split(",")
    wanted: list[str] = []
    for fmt in formats:
        key = str(fmt).strip().lower()
        if key not in REPORT_FORMATS:
            raise UsageError(
                f"unknown report format {fmt!r}: expected one or more of {', '.join(REPORT_FORMATS)}"
            )
        if key not in wanted:
            wanted.append(key)
    if not wanted:
        raise UsageError(f"no report format given: expected one or more of {', '.join(REPORT_FORMATS)}")
    folder = Path(report_dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"report folder {folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return [REPORT_FORMATS[key][1](result, folder / REPORT_FORMATS[key][0]) for key in wanted]
