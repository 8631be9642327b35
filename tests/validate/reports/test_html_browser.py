"""validation.html opened in a real headless browser (Debian's chromium).

Skips when /usr/bin/chromium is absent. The browser runs offline on a file:// URL; the
checks use the DOM as the browser built it after running the page's scripts.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import report_fixtures
from report_fixtures import N_AE, N_NOTICE, N_SUPPAE, SCRIPT_VALUE
from report_html_parse import read_page

from cdisc_dm.validate.reports import write_html_report

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)"),
]
TITLE = "Validation report: /runs/il2dm/sdtm"


def _chromium(page: Path, tmp_path: Path, *extra: str) -> str:
    profile = tmp_path / f"profile-{page.stem}"
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *extra, page.resolve().as_uri(),
    ]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out.stdout


def _dump(page: Path, tmp_path: Path) -> str:
    dom = _chromium(page, tmp_path, "--dump-dom")
    assert "<html" in dom, "chromium printed no DOM"
    return dom


@pytest.fixture
def report(realistic_result, tmp_path) -> Path:
    return write_html_report(realistic_result, tmp_path / "validation.html")


@pytest.fixture(scope="module")
def dom(tmp_path_factory) -> str:
    """The realistic report's DOM as chromium built it (loaded once for the module)."""
    folder = tmp_path_factory.mktemp("html")
    return _dump(write_html_report(report_fixtures.realistic(), folder / "validation.html"), folder)


def test_page_loads_links_resolve_and_drill_downs_list_findings(dom):
    page = read_page(dom)
    assert page.title == TITLE
    assert page.hrefs and [h for h in page.hrefs if not h.startswith("#") or h[1:] not in page.ids] == []
    assert page.finding_rows["rule-CORE-000001"] == N_AE + N_SUPPAE
    assert page.finding_rows["rule-CDM-0001"] == N_NOTICE
    assert page.finding_rows["rule-CORE-000002"] == 1_000
    assert SCRIPT_VALUE in page.cell_texts  # shown as text


def test_injected_script_is_text_not_code(dom):
    assert read_page(dom).title == TITLE
    assert "PWNED" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)


def test_title_check_can_fail_and_the_csp_blocks_what_escaping_would_miss(report, tmp_path):
    """Control: the same value, NOT escaped, does change the title once the CSP is removed;
    with the CSP in place even an unescaped injection cannot run."""
    markup = report.read_text(encoding="utf-8")
    unescaped = markup.replace("</main>", f"<p>{SCRIPT_VALUE}</p></main>")
    no_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", unescaped)
    control = tmp_path / "control.html"
    control.write_text(no_csp, encoding="utf-8")
    assert read_page(_dump(control, tmp_path)).title == "PWNED"
    guarded = tmp_path / "guarded.html"
    guarded.write_text(unescaped, encoding="utf-8")
    assert read_page(_dump(guarded, tmp_path)).title == TITLE


def test_summary_by_rule_sorts_on_click(report, tmp_path):
    # The page's own script sorts; a test script (allowed by removing the CSP in this copy)
    # clicks the "Findings" header and records the order of rule ids in the title.
    markup = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", report.read_text(encoding="utf-8"))
    probe = (
        "<script>var t=document.querySelector('#rules-summary table');"
        "t.querySelectorAll('thead th')[2].click();"
        "document.title=Array.from(t.tBodies[0].rows).map(function(r){return r.cells[0].textContent}).join(' ');</script>"
    )
    sorted_page = tmp_path / "sorted.html"
    sorted_page.write_text(markup.replace("</body>", probe + "</body>"), encoding="utf-8")
    # ascending by finding count: CDM-0001 (2), CORE-000001 (4), CORE-000002 (1,203)
    assert read_page(_dump(sorted_page, tmp_path)).title == "CDM-0001 CORE-000001 CORE-000002"


def test_screenshot_renders(report, tmp_path):
    shot = tmp_path / "report.png"
    _chromium(report, tmp_path, f"--screenshot={shot}", "--window-size=1400,1800")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses far smaller
