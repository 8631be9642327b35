"""render_define_html: a self-contained page whose internal links all resolve, checked in lxml and
in a real headless Chromium (Debian's /usr/bin/chromium; skipped when it is not installed)."""
from __future__ import annotations

import re
import shutil
import subprocess

import lxml.html
import pytest

from cdisc_dm.io.define import build_define, write_define
from cdisc_dm.io.define_html import render_define_html

from define_fixtures import CREATED, STUDY, make_package

CHROMIUM = shutil.which("chromium") or (shutil.which("/usr/bin/chromium"))


@pytest.fixture(scope="module")
def page(ct, tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    package = make_package()
    define = write_define(build_define(package, study=STUDY, ct=ct, created=CREATED), folder / "define.xml")
    html = render_define_html(define, folder / "define.html")
    return package, define, html


def _check_dom(doc, package) -> None:
    all_ids = doc.xpath("//@id")
    ids = set(all_ids)
    assert len(all_ids) == len(ids), "duplicate ids"
    hrefs = [h for h in doc.xpath("//a/@href") if h.startswith("#")]
    assert hrefs, "the page has no internal links"
    assert sorted({h for h in hrefs if h[1:] not in ids}) == []
    for ds in package:
        section = doc.xpath(f"//section[@id='IG.{ds.name}']")
        assert len(section) == 1, ds.name
        listed = [c.text_content().strip() for c in section[0].xpath(".//tbody/tr/td[1]/code")]
        assert listed == ds.names
    # every codelist, method and comment of the define has its anchor
    for oid in ("CL.SEX", "CL.QSCAT", "CL.MEDDRA", "VL.LB.LBORRES", "COM.DM.BRTHDTC"):
        assert oid in ids


def test_page_is_self_contained_and_links_resolve(page):
    package, _, html = page
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert re.search(r"<style>", text)
    _check_dom(lxml.html.fromstring(text), package)


def test_page_shows_codes_extensions_and_locations(page):
    package, _, html = page
    doc = lxml.html.fromstring(html.read_text(encoding="utf-8"))
    sex = doc.xpath("//section[@id='CL.SEX']")[0].text_content()
    assert "C66731" in sex and "Female" in sex
    assert "sponsor extension" in doc.xpath("//section[@id='CL.QSCAT']")[0].text_content()
    assert doc.xpath("//a[@href='dm.xpt']")
    where = doc.xpath("//section[@id='VL.LB.LBORRES']")[0].text_content()
    assert "LBTESTCD EQ CK" in where


def test_same_define_gives_the_same_page(page, tmp_path):
    _, define, html = page
    again = render_define_html(define, tmp_path / "again.html")
    assert again.read_bytes() == html.read_bytes()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_page_in_headless_chromium(page, tmp_path):
    package, _, html = page
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", html.resolve().as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = lxml.html.fromstring(done.stdout)
    assert dom.xpath("//title")[0].text.startswith("Define-XML")
    _check_dom(dom, package)
