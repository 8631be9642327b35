"""A small HTML reader for the report tests: ids, internal links, script blocks, cell texts and
finding rows per rule drill-down (standard-library html.parser, so no extra dependency)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    ids: Counter = field(default_factory=Counter)
    hrefs: list[str] = field(default_factory=list)
    resource_urls: list[str] = field(default_factory=list)  # src= and <link href=>
    scripts: list[str] = field(default_factory=list)
    title: str = ""
    csp: str | None = None
    cell_texts: list[str] = field(default_factory=list)
    finding_rows: Counter = field(default_factory=Counter)  # article id -> rows in its findings table
    notes: dict[str, list[str]] = field(default_factory=dict)  # article id -> texts of its p.note


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, dict]] = []
        self.text: list[str] | None = None

    def _article(self) -> str | None:
        return next((a.get("id") for t, a in reversed(self.stack) if t == "article"), None)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.page.ids[a["id"]] += 1
        if tag == "a" and "href" in a:
            self.page.hrefs.append(a["href"])
        if "src" in a:
            self.page.resource_urls.append(a["src"])
        if tag == "link" and "href" in a:
            self.page.resource_urls.append(a["href"])
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.page.csp = a.get("content")
        if tag == "tr" and any(t == "tbody" for t, _ in self.stack) and any(
            t == "table" and "findings" in at.get("class", "").split() for t, at in self.stack
        ):
            article = self._article()
            if article:
                self.page.finding_rows[article] += 1
        if tag not in _VOID:
            self.stack.append((tag, a))
            if tag in ("td", "script", "title") or (tag == "p" and "note" in a.get("class", "").split()):
                self.text = []

    def handle_endtag(self, tag):
        while self.stack:
            t, a = self.stack.pop()
            if t == tag:
                break
        if self.text is None or tag not in ("td", "script", "title", "p"):
            return
        text, self.text = "".join(self.text), None
        if tag == "td":
            self.page.cell_texts.append(text)
        elif tag == "script":
            self.page.scripts.append(text)
        elif tag == "title":
            self.page.title = text
        else:
            self.page.notes.setdefault(self._article() or "", []).append(text)

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def read_page(markup: str) -> Page:
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    return reader.page
