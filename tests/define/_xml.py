"""Small XPath helpers shared by the define tests."""
from __future__ import annotations

from lxml import etree

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1",
      "xlink": "http://www.w3.org/1999/xlink"}
DEF = "{http://www.cdisc.org/ns/def/v2.1}"


def one(tree, xpath: str):
    found = tree.xpath(xpath, namespaces=NS)
    assert len(found) == 1, f"{xpath}: expected one match, found {len(found)}"
    return found[0]


def all_(tree, xpath: str) -> list:
    return tree.xpath(xpath, namespaces=NS)


def parse(path) -> etree._ElementTree:
    return etree.parse(str(path))
