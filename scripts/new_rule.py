"""Create a new project conformance rule, or regenerate the rule catalog (docs/rules.md).

Project rules live in ``specs/rules/<CODE>/`` in CDISC CORE's layout, so the same harness runs
them (``cdisc-dm rules test specs/rules``):

    specs/rules/CDM-AD-0013/rule.yml
    specs/rules/CDM-AD-0013/positive/01/data/{_datasets.csv,_variables.csv,<ds>.csv,.env}
    specs/rules/CDM-AD-0013/negative/01/data/{...}
    specs/rules/CDM-AD-0013/negative/01/results/results.csv   (Dataset,Record,Variable,Value)

Codes are ``CDM-<AREA>-<NNNN>``: SD structure, CT terminology, XD cross-domain, AD ADaM,
DF define-vs-data, XP transport (XPT v5). A code is never reused, even for a removed rule.

Examples::

    python scripts/new_rule.py new CT --dataset AE      # next free CDM-CT-NNNN, skeleton files
    python scripts/new_rule.py catalog                  # rewrite docs/rules.md from the folders
    python scripts/new_rule.py catalog --check          # exit 1 when docs/rules.md is stale
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "specs" / "rules"
CATALOG = REPO / "docs" / "rules.md"

AREAS = {
    "SD": "Structure against SDTMIG 3.4 metadata",
    "CT": "Controlled terminology and ISO 8601 values",
    "XD": "Cross-domain consistency",
    "AD": "ADaM (ADaMIG 1.3)",
    "DF": "Define-XML against the data",
    "XP": "SAS XPORT v5 transport limits",
}
CODE_RE = re.compile(r"^CDM-(SD|CT|XD|AD|DF|XP)-(\d{4})$")

# Rules whose intent is agreed but that the engine cannot express yet: their codes are reserved
# here (never reuse them) and the catalog lists them with the engine hook they need. All the codes
# once reserved here (CDM-AD-0013..0015, CDM-XD-0012, CDM-CT-0011, CDM-XP-0005, CDM-DF-0001..0004)
# are implemented: as YAML rules, or as Python rules (cdisc_dm/validate/python_rules/).
PLANNED: list[dict] = []


# ------------------------------------------------------------------------------------------------
# new
# ------------------------------------------------------------------------------------------------
def next_code(area: str, root: Path = RULES) -> str:
    """The first unused code of ``area``, counting existing folders and reserved (planned) codes."""
    area = area.upper()
    if area not in AREAS:
        raise SystemExit(f"unknown area {area!r}: expected one of {', '.join(AREAS)}")
    used = {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()
    used |= {p["code"] for p in PLANNED}
    numbers = [int(m.group(2)) for c in used if (m := CODE_RE.match(c)) and m.group(1) == area]
    return f"CDM-{area}-{max(numbers, default=0) + 1:04d}"


SKELETON = """\
# {code}: describe what the rule flags in one sentence.
Core:
  Id: {code}
  Status: Draft
  Version: '1'
Description: Raise an error when ...
Severity: error            # error | warning | notice (read by cdisc_dm.validate.rule.parse_rule_dict)
Rule Type: Record Data
Sensitivity: Record
Executability: Fully Executable
Authorities:
- Organization: CDISC
  Standards:
  - Name: {standard}
    Version: '{version}'
    References:
    - Origin: cdisc_dm project rules
      Rule Identifier:
        Id: {code}
        Version: '1'
      Citations:
      - Document: {standard} v{version}
        Section: 'x.y.z'
        Cited Guidance: Why the rule exists, in our own words.
Scope:
  Classes:
    Include:
    - ALL
  Domains:
    Include:
    - {dataset}
Check:
  all:
  - name: VARIABLE
    operator: non_empty
Outcome:
  Message: What is wrong, for the report.
  Output Variables:
  - VARIABLE
"""


def _write_case(folder: Path, dataset: str, product: str, version: str, negative: bool) -> None:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    low = dataset.lower()
    (data / "_datasets.csv").write_text(f"Filename,Label\n{low},{dataset} dataset label\n", encoding="utf-8")
    (data / "_variables.csv").write_text(
        "dataset,variable,label,type,length\n"
        f"{low},STUDYID,Study Identifier,Char,2\n{low},USUBJID,Unique Subject Identifier,Char,6\n"
        f"{low},VARIABLE,Replace me,Char,1\n",
        encoding="utf-8",
    )
    (data / f"{low}.csv").write_text("STUDYID,USUBJID,VARIABLE\nS1,S1-001,X\n", encoding="utf-8")
    (data / ".env").write_text(f"PRODUCT={product}\nVERSION={version.replace('.', '-')}\n", encoding="utf-8")
    if negative:
        res = folder / "results"
        res.mkdir(parents=True, exist_ok=True)
        (res / "results.csv").write_text(f"Dataset,Record,Variable,Value\n{dataset.upper()},1,VARIABLE,X\n", encoding="utf-8")


def create_rule(area: str, dataset: str = "DM", root: Path = RULES) -> Path:
    """Create every file a new rule needs under ``root`` and return its folder."""
    code = next_code(area, root)
    adam = area.upper() == "AD"
    standard, version = ("ADaMIG", "1.3") if adam else ("SDTMIG", "3.4")
    folder = root / code
    folder.mkdir(parents=True)
    (folder / "rule.yml").write_text(
        SKELETON.format(code=code, standard=standard, version=version, dataset=dataset.upper()), encoding="utf-8"
    )
    product = "ADAMIG" if adam else "SDTMIG"
    _write_case(folder / "positive" / "01", dataset, product, version, negative=False)
    _write_case(folder / "negative" / "01", dataset, product, version, negative=True)
    return folder


# ------------------------------------------------------------------------------------------------
# catalog
# ------------------------------------------------------------------------------------------------
def _citations(doc: dict) -> list[str]:
    out = []
    for auth in doc.get("Authorities") or []:
        for std in auth.get("Standards") or []:
            for ref in std.get("References") or []:
                for cit in ref.get("Citations") or []:
                    where = f"{cit.get('Document')}, section {cit.get('Section')}" if cit.get("Section") else str(cit.get("Document"))
                    out.append(f"{where}: {cit.get('Cited Guidance', '').strip()}")
    return list(dict.fromkeys(out))  # the same citation recorded for SDTMIG and ADaMIG is shown once


def _scope(doc: dict) -> str:
    scope = doc.get("Scope") or {}
    parts = []
    for key in ("Classes", "Domains"):
        d = scope.get(key) or {}
        inc = ", ".join(d.get("Include") or ["ALL"])
        exc = ", ".join(d.get("Exclude") or [])
        parts.append(f"{key.lower()} {inc}" + (f" except {exc}" if exc else ""))
    return "; ".join(parts)


def _example(case: Path, max_rows: int = 10) -> list[str]:
    """The case's datasets (first rows) as a CSV code block, plus the expected findings."""
    lines: list[str] = []
    data = case / "data"
    with (data / "_datasets.csv").open(encoding="utf-8", newline="") as fh:
        names = [row["Filename"] for row in csv.DictReader(fh)]
    for name in names:
        text = (data / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        lines.append(f"`{name.upper()}`:")
        lines.append("```csv")
        lines.extend(text[: max_rows + 1])
        if len(text) > max_rows + 1:
            lines.append(f"... ({len(text) - 1} records)")
        lines.append("```")
    res = case / "results" / "results.csv"
    if res.is_file():
        with res.open(encoding="utf-8", newline="") as fh:
            found = sorted({(r["Dataset"], r["Record"]) for r in csv.DictReader(fh)}, key=lambda k: (k[0], int(k[1] or 0)))
        where = ", ".join(f"{d} record {r}" if r else f"{d} (dataset level)" for d, r in found)
        lines.append(f"Expected findings: {where}.")
    return lines


def _python_rules() -> dict[str, dict]:
    """Python rules (cdisc_dm/validate/python_rules/) as the rule.yml keys the catalog shows."""
    try:
        from cdisc_dm.validate.python_rules import load_python_rules
    except ImportError:
        return {}
    out = {}
    for code, rule in load_python_rules().items():
        out[code] = {
            "Severity": rule.severity, "Rule Type": f"{rule.rule_type} (Python: python_rules/{code.lower().replace('-', '_')}.py)",
            "Sensitivity": "Record", "Description": rule.description, "Outcome": {"Message": rule.message},
            "Scope": {"Classes": {"Include": ["ALL"]}, "Domains": {"Include": ["ALL"]}},
            "Authorities": [{"Standards": [{"References": [{"Citations": [{"Document": c, "Cited Guidance": rule.message} for c in rule.citations]}]}]}],
        }
    return out


def render_catalog(root: Path = RULES) -> str:
    """docs/rules.md text, generated from the rule folders (deterministic)."""
    rules = []
    python = _python_rules()
    for folder in sorted(p for p in root.iterdir() if (p / "rule.yml").is_file() or p.name in python):
        if (folder / "rule.yml").is_file():
            doc = yaml.safe_load((folder / "rule.yml").read_text(encoding="utf-8"))
        else:
            doc = python[folder.name]
        rules.append((folder, doc))
    out = [
        "# Project conformance rules (CDM-*)",
        "",
        "<!-- Generated by `python scripts/new_rule.py catalog` from specs/rules/: do not edit by hand. -->",
        "",
        "CDISC CORE publishes few ADaM rules and little Define-vs-data checking. These rules fill the gap",
        "in CORE's own YAML format, with the code prefix `CDM`, in `specs/rules/<CODE>/` (one folder per",
        "rule, with `positive/` and `negative/` test cases in CORE's layout). `cdisc-dm validate` loads them",
        "by default; `cdisc-dm rules test specs/rules` runs every rule's test cases, and",
        "`pytest tests/validate/test_project_rules.py -k CDM-AD-0004` runs one rule's.",
        "",
        "Severity comes from the rule's `Severity:` key: **error** (exit code 1), **warning** or **notice**.",
        "Terminology rules are errors for non-extensible codelists and notices for extensible ones (a",
        "value outside an extensible codelist is a sponsor extension to review, not a defect).",
        "Controlled terminology is the CT given with `--ct`, else the CT shipped in `specs/ct/`.",
        "",
        "Create a rule with `python scripts/new_rule.py new <AREA> --dataset <DS>`; codes are never reused.",
        "",
        "| Code | Severity | Type | Flags |",
        "|---|---|---|---|",
    ]
    for folder, doc in rules:
        out.append(f"| [{folder.name}](#{folder.name.lower()}) | {doc.get('Severity', 'error')} | {doc.get('Rule Type')} | {doc.get('Description')} |")
    for p in PLANNED:
        out.append(f"| {p['code']} | {p['severity']} | needs an engine hook | {p['flags']} |")
    for area, title in AREAS.items():
        members = [(f, d) for f, d in rules if f.name.startswith(f"CDM-{area}-")]
        planned = [p for p in PLANNED if p["code"].startswith(f"CDM-{area}-")]
        if not members and not planned:
            continue
        out += ["", f"## {area}: {title}"]
        for folder, doc in members:
            out += ["", f"### {folder.name}", ""]
            out.append(f"- **Severity:** {doc.get('Severity', 'error')}")
            out.append(f"- **Rule type / sensitivity:** {doc.get('Rule Type')} / {doc.get('Sensitivity')}")
            out.append(f"- **Scope:** {_scope(doc)}")
            out.append(f"- **What it flags:** {doc.get('Description')}")
            out.append(f"- **Message:** {(doc.get('Outcome') or {}).get('Message')}")
            outputs = (doc.get("Outcome") or {}).get("Output Variables") or []
            if outputs:
                out.append(f"- **Output variables:** {', '.join(f'`{v}`' for v in outputs)}")
            for c in _citations(doc):
                out.append(f"- **Why:** {c}")
            neg = sorted((folder / "negative").glob("*/data"))
            pos = sorted((folder / "positive").glob("*/data"))
            if neg:
                out += ["", "Failing example:", ""] + _example(neg[0].parent)
            if pos:
                out += ["", "Passing example:", ""] + _example(pos[0].parent)
        for p in planned:
            out += ["", f"### {p['code']} (needs an engine hook, not yet executable)", ""]
            out.append(f"- **Severity:** {p['severity']}")
            out.append(f"- **What it flags:** {p['flags']}")
            out.append(f"- **Why:** {p['why']}")
            out.append(f"- **Needs:** {p['hook']}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    new = sub.add_parser("new", help="create the files of a new rule with the next free code of AREA")
    new.add_argument("area", help="SD, CT, XD, AD, DF or XP")
    new.add_argument("--dataset", default="DM", help="dataset of the skeleton test data (default DM)")
    new.add_argument("--root", type=Path, default=RULES, help=argparse.SUPPRESS)
    cat = sub.add_parser("catalog", help="regenerate docs/rules.md from specs/rules/")
    cat.add_argument("--check", action="store_true", help="exit 1 if docs/rules.md is not up to date")
    args = parser.parse_args(argv)
    if args.cmd == "new":
        folder = create_rule(args.area, args.dataset, args.root)
        print(f"created {folder}: edit rule.yml and the positive/negative data, then run `cdisc-dm rules test {folder}`")
        return 0
    text = render_catalog()
    if args.check:
        current = CATALOG.read_text(encoding="utf-8") if CATALOG.is_file() else ""
        if current != text:
            print(f"{CATALOG} is out of date: run python scripts/new_rule.py catalog", file=sys.stderr)
            return 1
        return 0
    CATALOG.write_text(text, encoding="utf-8")
    print(f"wrote {CATALOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
