"""The validation report for people: ``validation.html``, one self-contained file.

No external resources (inline CSS, one small inline script that only sorts tables), so it
opens offline and can be attached to a submission review. A Content-Security-Policy allows
that one script by its hash and nothing else. Every value shown is escaped: finding values
are data from the study and may contain markup.

Sections: header (what, standard, CT, tool, date, counts), summary by severity, summary by
rule, datasets, one drill-down per failed rule (``#rule-<id>``), execution errors, skipped
rules, passed rules. Every rule has exactly one anchor; each rule's findings table stops at
``max_findings_per_rule`` rows with a note pointing to the XLSX and JSON reports.

Example::

    html = render_html_report(result)       # str, identical for the same result
"""
from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..results import Finding, RuleResult, ValidationResult
from ._atomic import write_bytes_atomic
from ._ordering import SEVERITIES, findings_per_dataset, rule_anchors, rules_by_importance, severity_rank
from ._values import NULL_TEXT, clean_text, to_json_value, to_text

__all__ = ["render_html_report", "write_html_report", "MAX_FINDINGS_PER_RULE", "MAX_VALUE_CHARS"]

MAX_FINDINGS_PER_RULE = 1_000
MAX_VALUE_CHARS = 1_000  # longer values are cut in the page (the XLSX/JSON keep them)

_CSS = """
:root{--err:#b3261e;--warn:#9a6700;--note:#0b57d0;--ok:#1e7e34;--line:#d0d7de;--muted:#57606a;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;
  color:#1f2328;margin:0;padding:0 2rem 3rem}
header{border-bottom:2px solid var(--line);padding:1.2rem 0 .8rem;margin-bottom:1rem}
h1{font-size:1.5rem;margin:0 0 .6rem}
h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .4rem}
table{border-collapse:collapse;margin:.4rem 0 1rem;max-width:100%}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
td.key{white-space:nowrap}
td.val{min-width:6rem;max-width:40rem;overflow-wrap:anywhere}
th{background:var(--bg);position:sticky;top:0;white-space:nowrap}
tbody tr:nth-child(even){background:#fbfcfd}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.meta th{position:static;width:13rem}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
.sev{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.85em;font-weight:600;color:#fff}
.sev-error{background:var(--err)}.sev-warning{background:var(--warn)}.sev-notice{background:var(--note)}
.badges{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
.badge{border:1px solid var(--line);border-radius:.4rem;padding:.3rem .7rem;background:var(--bg)}
.badge b{font-size:1.2rem;margin-right:.3rem}
.badge.error b{color:var(--err)}.badge.warning b{color:var(--warn)}.badge.notice b{color:var(--note)}
.verdict{font-weight:700;font-size:1.05rem}
.verdict.failed{color:var(--err)}.verdict.passed{color:var(--ok)}.verdict.incomplete{color:var(--warn)}
nav a{margin-right:1rem}
article.rule{border:1px solid var(--line);border-radius:.4rem;padding:.8rem 1rem;margin:1rem 0}
article.rule:target,tr:target{outline:3px solid #f0b429}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.4rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.null{color:var(--muted);font-style:italic}
.cut{color:var(--muted);font-style:italic}
.note{color:var(--muted);font-style:italic}
pre.reason{white-space:pre-wrap;background:#fff5f5;border-left:3px solid var(--err);padding:.5rem;margin:.4rem 0}
.top{font-size:.85em}
footer{margin-top:2rem;color:var(--muted);font-size:.85em}
@media print{th{position:static}article.rule{break-inside:avoid-page}}
""".strip()

# Sorts a table by the clicked header: numerically for "num" and "by-key" columns, whose cells
# may carry data-v (the number behind "1,203", or a severity rank), as text otherwise.
_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var i = th.cellIndex, body = table.tBodies[0];
      var numeric = th.classList.contains("num") || th.classList.contains("by-key");
      var key = function (row) {
        var c = row.cells[i], v = c.hasAttribute("data-v") ? c.getAttribute("data-v") : c.textContent;
        return numeric ? Number(v) : v;
      };
      Array.from(body.rows).sort(function (a, b) {
        var x = key(a), y = key(b), c = numeric ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      }).forEach(function (row) { body.appendChild(row); });
    });
  });
});
""".strip()

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
_CSP = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; img-src data:"


def _e(value: Any) -> str:
    """Escaped text of any value (quotes too, so it is safe inside attributes)."""
    return html.escape(clean_text(str(value)), quote=True)


def _value_html(value: Any) -> str:
    if to_json_value(value) is None:
        return f'<span class="null">{NULL_TEXT}</span>'
    text = to_text(value)
    if len(text) > MAX_VALUE_CHARS:
        rest = len(text) - MAX_VALUE_CHARS
        cut = f"… ({rest:,} more characters; full value in the XLSX/JSON)"
        return f'{_e(text[:MAX_VALUE_CHARS])}<span class="cut"> {cut}</span>'
    return _e(text)


def _sev(severity: str) -> str:
    return f'<span class="sev sev-{_e(severity)}">{_e(severity)}</span>'


def _table(headers: Sequence[tuple[str, str]], rows: Iterable[str], *, sortable: bool = False, cls: str = "") -> str:
    """``headers``: (label, css class) pairs; ``rows``: ready ``<tr>`` markup."""
    classes = " ".join(c for c in (cls, "sortable" if sortable else "") if c)
    head = "".join(f'<th class="{c}">{_e(h)}</th>' if c else f"<th>{_e(h)}</th>" for h, c in headers)
    attr = f' class="{classes}"' if classes else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _findings_table(shown: Sequence[Finding]) -> str:
    names: dict[str, None] = {}
    for f in shown:  # output variables in first-seen order: the rule's own order
        names.update(dict.fromkeys(map(str, f.variables)))
    with_message = any(f.message is not None for f in shown)
    headers = [("Dataset", ""), ("Row", "num"), ("USUBJID", ""), ("--SEQ", "num")] + [(n, "") for n in names]
    if with_message:
        headers.append(("Message", ""))
    rows = []
    for f in shown:
        by_name = {str(k): v for k, v in f.variables.items()}
        cells = [
            f'<td class="key">{_e(f.dataset)}</td>',
            f'<td class="num key">{_e(f.row)}</td>' if f.row is not None else '<td class="note key">dataset</td>',
            f'<td class="key">{_value_html(f.usubjid)}</td>' if f.usubjid is not None else "<td></td>",
            f'<td class="num key">{_value_html(f.seq)}</td>' if f.seq is not None else '<td class="num"></td>',
        ]
        cells += [f'<td class="val">{_value_html(by_name[n])}</td>' if n in by_name else "<td></td>" for n in names]
        if with_message:
            cells.append(f"<td>{_e(f.message) if f.message is not None else ''}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table(headers, rows, cls="findings")


def _facts(rule: RuleResult) -> str:
    items = [("Message", _e(rule.message))]
    if rule.description:
        items.append(("Description", _e(rule.description)))
    if rule.citations:
        items.append(("Citations", "<br>".join(_e(c) for c in rule.citations)))
    executability = _e(rule.executability) if rule.executability else '<span class="note">not stated</span>'
    items.append(("Executability", executability))
    if rule.rule_type:
        items.append(("Rule type", _e(rule.rule_type)))
    items.append(("Source", _e(rule.source)))
    if rule.datasets:
        items.append(("Ran on", _e(", ".join(rule.datasets))))
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def _rule_article(rule: RuleResult, anchor: str, max_findings: int) -> str:
    parts = [
        f'<article class="rule" id="{anchor}">',
        f"<h3>{_e(rule.rule_id)} {_sev(rule.severity)} "
        + ("execution error" if rule.status == "error" else f"{rule.count:,} finding{'s' if rule.count != 1 else ''}")
        + "</h3>",
        _facts(rule),
    ]
    if rule.status == "error":
        parts.append(f'<pre class="reason">{_e(rule.error or "(no reason given)")}</pre>')
    if rule.findings:
        per_ds = ", ".join(f"{_e(ds)} ({n:,})" for ds, n in findings_per_dataset(rule))
        parts.append(f"<p>Findings by dataset: {per_ds}</p>")
        shown = rule.findings[:max_findings]
        parts.append(_findings_table(shown))
        if rule.count > len(shown):
            parts.append(
                f'<p class="note">Showing the first {len(shown):,} of {rule.count:,} findings: '
                f"{rule.count - len(shown):,} more in the XLSX/JSON reports.</p>"
            )
    parts.append('<p class="top"><a href="#top">back to top</a></p></article>')
    return "".join(parts)


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'


def _note(text: str) -> str:
    return f'<p class="note">{_e(text)}</p>'


def _header(result: ValidationResult, by_status: dict[str, list[RuleResult]]) -> str:
    counts = result.counts()
    if result.has_errors:
        verdict = ("failed", f"Conformance errors found: {counts['error']:,} error findings")
    elif counts["execution_error"]:
        verdict = ("incomplete", f"No error findings, but {counts['execution_error']:,} rule(s) could not be executed")
    else:
        verdict = ("passed", "No error findings")
    n = {status: len(rules) for status, rules in by_status.items()}
    meta_rows = [
        ("Validated", result.path),
        ("Standard", result.standard),
        ("Controlled terminology", result.ct_version or "not stated"),
        ("Define-XML", result.define or "none"),
        ("Tool", f"cdisc_dm {result.tool_version}"),
        ("Started", result.started),
        ("Duration", "not recorded (reproducible run)" if result.duration_seconds is None else f"{result.duration_seconds:.1f} s"),
        ("Datasets", f"{len(result.datasets):,}"),
        ("Rules", f"{sum(n.values()):,} run: {n['passed']:,} passed, {n['failed']:,} failed, "
                  f"{n['error']:,} execution error{'s' if n['error'] != 1 else ''}, {n['skipped']:,} skipped"),
    ]
    meta = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in meta_rows)
    badges = "".join(
        f'<span class="badge {s}"><b>{counts[s]:,}</b>{s}{"s" if counts[s] != 1 else ""}</span>' for s in SEVERITIES
    ) + (f'<span class="badge error"><b>{counts["execution_error"]:,}</b>execution error'
         f'{"s" if counts["execution_error"] != 1 else ""}</span>')
    links = [("summary", "Summary"), ("rules-summary", "By rule"), ("datasets", "Datasets"), ("findings", "Findings"),
             ("execution-errors", "Execution errors"), ("skipped", "Skipped rules"), ("passed", "Passed rules")]
    nav = "".join(f'<a href="#{a}">{_e(t)}</a>' for a, t in links)
    return (
        f'<header id="top"><h1>Conformance validation report</h1><table class="meta"><tbody>{meta}</tbody></table>'
        f'<div class="badges">{badges}</div><p class="verdict {verdict[0]}">{_e(verdict[1])}</p>'
        f"<nav>{nav}</nav></header>"
    )


def _summaries(result: ValidationResult, failed: list[RuleResult], anchor: dict[int, str]) -> str:
    counts = result.counts()
    sev_rows = [
        f'<tr><td>{_sev(s)}</td><td class="num">{sum(1 for r in failed if r.severity == s):,}</td>'
        f'<td class="num">{counts[s]:,}</td></tr>'
        for s in SEVERITIES
    ]
    by_severity = _table([("Severity", ""), ("Rules failed", "num"), ("Findings", "num")], sev_rows)
    # Failed rules, most severe and most frequent first; a click on a header sorts (data-v: sort key).
    rule_rows = [
        f'<tr><td><a href="#{anchor[id(r)]}">{_e(r.rule_id)}</a></td>'
        f'<td data-v="{severity_rank(r.severity)}">{_sev(r.severity)}</td>'
        f'<td class="num" data-v="{r.count}">{r.count:,}</td>'
        f'<td>{_e(", ".join(f"{ds} ({n:,})" for ds, n in findings_per_dataset(r)))}</td><td>{_e(r.message)}</td></tr>'
        for r in failed
    ]
    rule_headers = [("Rule ID", ""), ("Severity", "by-key"), ("Findings", "num"), ("Datasets", ""), ("Message", "")]
    by_rule = _table(rule_headers, rule_rows, sortable=True) if rule_rows else _note("No rule reported findings.")
    return _section("summary", "Summary by severity", by_severity) + _section(
        "rules-summary", "Summary by rule", by_rule
    )


def _datasets(result: ValidationResult) -> str:
    rows = [
        f"<tr><td>{_e(d.name)}</td><td>{_e(d.label or '')}</td><td>{_e(d.klass or '')}</td>"
        f'<td class="num" data-v="{d.records}">{d.records:,}</td>'
        f'<td class="num" data-v="{d.variables}">{d.variables:,}</td><td>{_e(d.file)}</td></tr>'
        for d in result.datasets
    ]
    headers = [("Dataset", ""), ("Label", ""), ("Class", ""), ("Records", "num"), ("Variables", "num"), ("File", "")]
    return _section("datasets", "Datasets", _table(headers, rows, sortable=True) if rows else _note("No datasets."))


def _skipped_and_passed(by_status: dict[str, list[RuleResult]], anchor: dict[int, str]) -> str:
    skipped = [
        f'<tr id="{anchor[id(r)]}"><td>{_e(r.rule_id)}</td><td>{_e(r.skip_reason or "(no reason given)")}</td>'
        f"<td>{_e(r.message)}</td><td>{_e(r.executability or '')}</td></tr>"
        for r in sorted(by_status["skipped"], key=lambda r: r.rule_id)
    ]
    passed = [
        f'<tr id="{anchor[id(r)]}"><td>{_e(r.rule_id)}</td>'
        f'<td data-v="{severity_rank(r.severity)}">{_sev(r.severity)}</td>'
        f"<td>{_e(r.message)}</td><td>{_e(', '.join(r.datasets))}</td></tr>"
        for r in sorted(by_status["passed"], key=lambda r: r.rule_id)
    ]
    skipped_headers = [("Rule ID", ""), ("Reason", ""), ("Message", ""), ("Executability", "")]
    passed_headers = [("Rule ID", ""), ("Severity", "by-key"), ("Message", ""), ("Ran on", "")]
    return _section(
        "skipped", "Skipped rules",
        _table(skipped_headers, skipped, sortable=True) if skipped else _note("No rule was skipped."),
    ) + _section(
        "passed", "Passed rules", _table(passed_headers, passed, sortable=True) if passed else _note("No rule passed.")
    )


def render_html_report(result: ValidationResult, *, max_findings_per_rule: int = MAX_FINDINGS_PER_RULE) -> str:
    """The whole page as a string; byte-identical for the same result."""
    rules = list(result.rules)
    anchor = {id(r): a for r, a in zip(rules, rule_anchors(rules))}
    by_status = {s: [r for r in rules if r.status == s] for s in ("failed", "error", "skipped", "passed")}
    failed = rules_by_importance(by_status["failed"])
    errors = sorted(by_status["error"], key=lambda r: r.rule_id)

    findings = "".join(_rule_article(r, anchor[id(r)], max_findings_per_rule) for r in failed)
    if errors:
        execution = _note("These rules did not run to completion, so they checked nothing.") + "".join(
            _rule_article(r, anchor[id(r)], max_findings_per_rule) for r in errors
        )
    else:
        execution = _note("Every rule that was run completed.")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="cdisc_dm {_e(result.tool_version)}">',
        f"<title>Validation report: {_e(result.path)}</title>",
        f"<style>{_CSS}</style></head><body>",
        _header(result, by_status),
        "<main>",
        _summaries(result, failed, anchor),
        _datasets(result),
        _section("findings", "Findings by rule", findings or _note("No findings.")),
        _section("execution-errors", "Execution errors", execution),
        _skipped_and_passed(by_status, anchor),
        "</main>",
        f"<footer>Written by cdisc_dm {_e(result.tool_version)} for the validation run started {_e(result.started)}. "
        "The XLSX and JSON reports hold every finding.</footer>",
        f"<script>{_SCRIPT}</script></body></html>",
    ]
    return "\n".join(out) + "\n"


def write_html_report(
    result: ValidationResult, path: Path, *, max_findings_per_rule: int = MAX_FINDINGS_PER_RULE
) -> Path:
    markup = render_html_report(result, max_findings_per_rule=max_findings_per_rule)
    return write_bytes_atomic(Path(path), markup.encode("utf-8"))
