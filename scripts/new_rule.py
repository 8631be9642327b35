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

# Rules whose intent is agreed but that the CORE operator set cannot express yet: their codes are
# reserved here (never reuse them) and the catalog lists them with the engine hook they need.
PLANNED = [
    {
        "code": "CDM-AD-0013", "severity": "error",
        "flags": "CHG differs from AVAL - BASE by more than a relative tolerance of 1e-9.",
        "why": "ADaMIG 1.3 section 3.3.5: CHG is AVAL minus BASE.",
        "hook": "an arithmetic Operation, e.g. `operator: difference, name: AVAL, value: BASE, id: $aval_minus_base` returning a Series; the check then uses `not_equal_to` (which already compares numbers with the 1e-9 relative tolerance).",
    },
    {
        "code": "CDM-AD-0014", "severity": "error",
        "flags": "PCHG differs from 100 * CHG / BASE (relative tolerance).",
        "why": "ADaMIG 1.3 section 3.3.5: PCHG is 100 times CHG divided by BASE.",
        "hook": "the same arithmetic Operation (`ratio`/`product` or a small expression operation).",
    },
    {
        "code": "CDM-AD-0015", "severity": "error",
        "flags": "An ADaMIG Required variable (ADSL, BDS, OCCDS) is missing.",
        "why": "ADaMIG 1.3 section 3: Req variables must be present.",
        "hook": "`required_variables`/`expected_variables`/`get_model_column_order` read only SDTMIG metadata (`load_sdtmig().domain(...)`); they need to fall back on `load_adamig().dataset(name)` / `.structure('BDS')` when the run's standard is ADaMIG.",
    },
    {
        "code": "CDM-XD-0012", "severity": "warning",
        "flags": "EPOCH differs from the epoch of the SE element whose SESTDTC <= --DTC/--STDTC < SEENDTC.",
        "why": "SDTMIG 3.4 section 5.3 and 4.1.3: EPOCH is derived from the subject's element dates.",
        "hook": "an interval-join Operation (e.g. `operator: se_epoch_at, name: --STDTC` returning the SE epoch per record); CDM-XD-0008 already checks the weaker \"EPOCH is one of the subject's SE epochs\".",
    },
    {
        "code": "CDM-CT-0011", "severity": "error / notice",
        "flags": "Any variable whose SDTMIG metadata names a codelist holds a value outside it (error for non-extensible codelists, notice for extensible ones).",
        "why": "SDTMIG 3.4 section 4.3; the codelist of each variable is in the IG metadata (`VariableMeta.codelist`).",
        "hook": "`library_variable_ccode`/codelist in the Variable Metadata against Library frame is empty today; a generic rule needs a Record-level operation giving, per variable, the codelist terms and extensibility (`variable_codelist_terms`). The per-variable rules CDM-CT-0001..0006 cover the main codelists meanwhile.",
    },
    {
        "code": "CDM-XP-0005", "severity": "error",
        "flags": "A character value holds non-ASCII characters.",
        "why": "FDA Study Data Technical Conformance Guide section 3.3: ASCII text in transport files.",
        "hook": "an operator that tests every character column of a record (the check language names one variable per condition), e.g. `name: ALL_CHAR, operator: contains_non_ascii`.",
    },
    {
        "code": "CDM-DF-0001", "severity": "error",
        "flags": "A dataset or variable is in the data but not in define.xml, or in define.xml but not in the data.",
        "why": "Define-XML 2.1 section 3.2: the define describes every submitted dataset and variable.",
        "hook": "`validate(define=...)` only checks that the file is well-formed; the engine needs the parsed define on StudyData (e.g. `study.define`) and rule types \"Define Item Group Metadata Check\"/\"Define Item Metadata Check\" producing frames of define_dataset_name, define_variable_name, define_variable_data_type, define_variable_length, define_variable_codelist; the harness needs to load `define.xml` from a test case's data folder.",
    },
    {
        "code": "CDM-DF-0002", "severity": "error",
        "flags": "A variable's type differs between define.xml (DataType) and the data.",
        "why": "Define-XML 2.1 section 5.3.11 (ItemDef DataType).",
        "hook": "as CDM-DF-0001 (define_variable_data_type next to variable_data_type).",
    },
    {
        "code": "CDM-DF-0003", "severity": "warning",
        "flags": "A character variable's Length in define.xml differs from its length in the data.",
        "why": "Define-XML 2.1 section 5.3.11 (ItemDef Length); FDA TCG section 3.3 (lengths sized to the data).",
        "hook": "as CDM-DF-0001 (define_variable_length next to variable_size).",
    },
    {
        "code": "CDM-DF-0004", "severity": "error",
        "flags": "A value is not a term of the codelist define.xml attaches to the variable (or value-level condition).",
        "why": "Define-XML 2.1 section 5.3.12 (CodeList): the codelist lists the values used.",
        "hook": "an Operation `define_codelist_terms` (per variable, from CodeListRef) returning the terms, so the check is `is_not_contained_by $define_terms`.",
    },
]


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


def render_catalog(root: Path = RULES) -> str:
    """docs/rules.md text, generated from the rule folders (deterministic)."""
    rules = []
    for folder in sorted(p for p in root.iterdir() if (p / "rule.yml").is_file()):
        doc = yaml.safe_load((folder / "rule.yml").read_text(encoding="utf-8"))
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
