"""``cdisc-dm define``: Define-XML 2.1 (and its HTML view) for a written SDTM or ADaM package."""
from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

from ..errors import UsageError
from ._common import add_output_flags

NAME = "define"
HELP = "write define.xml (Define-XML 2.1) and define.html for a package folder, check them against the data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--package", required=True, metavar="DIR",
                        help="a package folder (.xpt or Dataset-JSON files, and the conversion's metadata.json)")
    parser.add_argument("--study", required=True, help="built-in study name (il2dm) or a study folder")
    parser.add_argument("--out", metavar="FILE", help="define.xml to write (default: DIR/define.xml)")
    parser.add_argument("--ct", metavar="PATH", help="controlled terminology (NCI EVS file/folder); default: the shipped subset")
    parser.add_argument("--standard", choices=["sdtmig-3.4", "adamig-1.3"],
                        help="the package's standard when there is no metadata.json (default sdtmig-3.4)")
    parser.add_argument("--leaf-format", choices=["xpt", "json", "ndjson"], default="xpt",
                        help="which data file each dataset's def:leaf points to (default xpt)")
    parser.add_argument("--created", metavar="ISO",
                        help="CreationDateTime (default: metadata.json's 'created', else the newest data file's time)")
    parser.add_argument("--dictionary", action="append", default=[], metavar="NAME=VERSION",
                        help="external dictionary version, e.g. MedDRA=27.1 (repeatable)")
    parser.add_argument("--no-html", action="store_true", help="do not write define.html")
    add_output_flags(parser)


def _created(args, extras: dict, folder: Path) -> datetime:
    text = args.created or extras.get("created")
    if text:
        try:
            return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--created: {text!r} is not an ISO 8601 date-time such as 2026-11-29T08:00:00") from None
    # Never the clock (same inputs, same bytes): the newest data file of the package.
    stamps = [p.stat().st_mtime for p in folder.iterdir() if p.suffix.lower() in (".xpt", ".json", ".ndjson")]
    return datetime.fromtimestamp(max(stamps)).replace(microsecond=0)


def _dictionaries(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, version = item.partition("=")
        if not sep or not name.strip() or not version.strip():
            raise UsageError(f"--dictionary: expected NAME=VERSION such as MedDRA=27.1, got {item!r}")
        out[name.strip()] = version.strip()
    return out


def _study_for_define(name: str, package) -> object:
    """The study's definition, or, for a study folder with specs only (ADaM specs for a study converted
    elsewhere, such as the CDISC pilot), the STUDYID the package's data holds: Define-XML's Study element
    needs no more than that."""
    from ..resources import study_dir
    from ..study import load_study

    if (study_dir(name) / "study.yaml").is_file():
        return load_study(name)
    ids = sorted({str(v) for ds in package if "STUDYID" in ds.data.columns
                  for v in ds.data["STUDYID"].dropna().unique() if str(v).strip()})
    if len(ids) != 1:
        found = f"STUDYID values {ids}" if ids else "no STUDYID value"
        raise UsageError(f"study folder {study_dir(name)} has no study.yaml and the package has {found}",
                         hint="add a study.yaml, or define a package of one study")
    return {"studyid": ids[0]}


def run(args: argparse.Namespace) -> int:
    from ..io.define import build_define, read_package_for_define, write_define
    from ..io.define_check import check_define_against_data, validate_define_xsd
    from ..io.define_html import render_define_html
    from ..report import Report
    from ..resources import study_dir
    from ..standards import load_ct

    dictionaries = _dictionaries(args.dictionary)  # argument mistakes first, before any reading
    folder = Path(args.package)
    standard = {"sdtmig-3.4": "SDTMIG 3.4", "adamig-1.3": "ADaMIG 1.3"}.get(args.standard or "")
    package, extras = read_package_for_define(folder, standard=standard)
    study = _study_for_define(args.study, package)
    extra_ct = study_dir(args.study) / "ct"
    ct = load_ct(args.ct, extra=extra_ct if extra_ct.is_dir() else None)
    notes = Report()
    tree = build_define(package, study=study, ct=ct, created=_created(args, extras, folder),
                        leaf_format=args.leaf_format, dictionaries=dictionaries, report=notes)
    out = Path(args.out) if args.out else folder / "define.xml"
    write_define(tree, out)
    html = None if args.no_html else render_define_html(out, out.with_suffix(".html"))
    schema_problems = validate_define_xsd(out)
    report = check_define_against_data(out, package, ct=ct)
    issues = list(notes) + list(report)
    errors = sum(i.severity == "error" for i in issues)
    if args.json:
        print(json.dumps({
            "define": str(out), "html": str(html) if html else None, "datasets": len(package.datasets),
            "xsd_problems": schema_problems, "issues": [str(i) for i in issues], "errors": errors,
        }, indent=2, sort_keys=True))
    elif not args.quiet:
        print(f"wrote {out} ({len(package.datasets)} datasets)" + (f" and {html}" if html else ""))
        print(f"Define-XML 2.1 schema: {'valid' if not schema_problems else f'{len(schema_problems)} problem(s)'}")
        for message in schema_problems:
            print(f"  {message}")
        print(f"define vs data: {errors} error(s), {len(issues) - errors} warning(s)")
        for issue in issues:
            print(f"  {issue}")
    return 1 if schema_problems or errors else 0
