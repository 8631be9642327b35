"""validation.html read as markup: links resolve, values are escaped, drill-downs are complete."""
from __future__ import annotations

import base64
import copy
import hashlib
import html

from report_fixtures import CJK_VALUE, N_AE, N_LB, N_NOTICE, N_SUPPAE, QUOTES_VALUE, SCRIPT_VALUE
from report_html_parse import read_page

from cdisc_dm.validate.reports import render_html_report


def test_every_internal_link_resolves_and_ids_are_unique(realistic_result):
    page = read_page(render_html_report(realistic_result))
    duplicated = [i for i, n in page.ids.items() if n > 1]
    assert duplicated == []
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert len(internal) == len(page.hrefs), "the report links to something outside itself"
    assert [h for h in internal if h[1:] not in page.ids] == []
    # every rule has its anchor; the odd rule id is made URL-safe
    assert {"rule-CORE-000001", "rule-CORE-000002", "rule-CDM-0001", "rule-CORE-000003", "rule-CORE-000004",
            "rule-CORE-000005", "rule-SD0001__FDA__x"} <= set(page.ids)


def test_self_contained_and_only_our_script_may_run(realistic_result):
    markup = render_html_report(realistic_result)
    page = read_page(markup)
    assert page.resource_urls == []  # no CDN, no external stylesheet or image
    assert len(page.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode("utf-8")).digest()).decode()
    assert page.csp is not None and f"'sha256-{digest}'" in page.csp and "default-src 'none'" in page.csp


def test_untrusted_values_are_escaped_text(realistic_result):
    markup = render_html_report(realistic_result)
    assert SCRIPT_VALUE not in markup and html.escape(SCRIPT_VALUE) in markup
    assert QUOTES_VALUE not in markup
    page = read_page(markup)
    # read back as text, the values are exactly the data
    assert SCRIPT_VALUE in page.cell_texts and QUOTES_VALUE in page.cell_texts and CJK_VALUE in page.cell_texts
    assert "Supplemental Qualifiers for AE <&>" in page.cell_texts
    assert page.title == "Validation report: /runs/il2dm/sdtm"


def test_drill_downs_list_findings_up_to_the_cap(realistic_result):
    page = read_page(render_html_report(realistic_result, max_findings_per_rule=1_000))
    assert page.finding_rows == {"rule-CORE-000001": N_AE + N_SUPPAE, "rule-CORE-000002": 1_000, "rule-CDM-0001": N_NOTICE}
    assert any(f"{N_LB - 1_000:,} more in the XLSX/JSON" in n for n in page.notes["rule-CORE-000002"])
    assert not any("more in the XLSX/JSON" in n for n in page.notes.get("rule-CORE-000001", []))


def test_long_values_are_cut_in_the_page(realistic_result):
    page = read_page(render_html_report(realistic_result))
    long_cell = next(t for t in page.cell_texts if t.startswith("XXXX"))
    assert len(long_cell) - len(long_cell.lstrip("X")) == 1_000 and "39,000 more characters" in long_cell


def test_execution_errors_and_skips_show_their_reasons(realistic_result):
    page = read_page(render_html_report(realistic_result))
    markup = render_html_report(realistic_result)
    assert html.escape("operator 'is_unique_set' needs a list of columns <got 'AESEQ'>") in markup
    assert "needs a Define-XML file (--define)" in page.cell_texts
    assert "TS not in the package" in page.cell_texts


def test_deterministic(realistic_result):
    assert render_html_report(realistic_result) == render_html_report(copy.deepcopy(realistic_result))


def test_empty_result(empty_result):
    markup = render_html_report(empty_result)
    page = read_page(markup)
    assert [h for h in page.hrefs if h[1:] not in page.ids] == []
    assert "No findings." in markup and "No rule was skipped." in markup and "Every rule that was run completed." in markup
