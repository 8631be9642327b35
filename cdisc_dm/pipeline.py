"""The whole pipeline in one call: raw export -> SDTM -> validation reports, into one run folder.

``run`` is what ``cdisc-dm run`` does on a user's export; ``demo`` first synthesizes the built-in
IL-2 study's export and then runs. Stages are the public functions of each room (DESIGN.md
principle 2); this module only sequences them and collects their results. The run folder::

    out/raw/            (demo only) the synthetic EDC and lab export
    out/sdtm/           the SDTM package (XPT + Dataset-JSON), with trial design datasets, its
                        define.xml + define.html, and metadata.json (the metadata that ran)
    out/reports/        issues, reconciliation, dropped records, validation.{json,html,xlsx}
    out/lineage.csv     where every output record came from
    out/manifest.json   tool version, spec hashes, input and output hashes

Example::

    result = demo("demo-run", subjects=240)
    print(result.validation.counts())
"""
from __future__ import annotations

import sys
import time
from datetime import datetime
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from .convert import DEFAULT_CREATED, ConvertResult, convert
from .dataset import Package
from .io.define import build_define, dump_package_metadata, write_define
from .io.define_check import check_define_against_data, validate_define_xsd
from .io.define_html import render_define_html
from .mapping.plan import default_ct
from .report import Report
from .study import load_study
from .validate import validate
from .validate.reports import format_console_summary, write_reports
from .validate.results import ValidationResult

__all__ = ["RunResult", "run", "demo"]

Progress = Callable[[str], None]


@dataclass
class DefineOutcome:
    path: Path
    html: Path
    xsd_errors: list[str]
    report: Report  # define-vs-data consistency findings

    def summary(self) -> dict:
        return {"define": str(self.path), "xsd_errors": len(self.xsd_errors),
                "consistency": {s: self.report.count(s) for s in ("error", "warning", "notice")}}


@dataclass
class PackageCheck:
    """The define and the conformance result of one package (SDTM or ADaM)."""

    define: DefineOutcome
    validation: ValidationResult


@dataclass
class RunResult:
    out_dir: Path
    convert: ConvertResult
    validation: ValidationResult
    define: DefineOutcome | None = None
    derive: object | None = None  # DeriveResult
    adam: PackageCheck | None = None
    synth: object | None = None  # SynthSummary for demo runs

    @property
    def has_conformance_errors(self) -> bool:
        return self.validation.has_errors or (self.adam is not None and self.adam.validation.has_errors)

    def summary(self) -> dict:
        out = {"out_dir": str(self.out_dir), "sdtm": self.convert.summary(), "validation": self.validation.counts()}
        if self.define is not None:
            out["define"] = self.define.summary()
        if self.derive is not None:
            out["adam"] = self.derive.summary()
        if self.adam is not None:
            out["adam_define"] = self.adam.define.summary()
            out["adam_validation"] = self.adam.validation.counts()
        rates = week12_response_rates(self)
        if rates:
            out["week12_response"] = rates
        if self.synth is not None:
            out["synth"] = self.synth.as_dict()
        return out


def _relative(file: str, base: Path) -> str:
    try:
        return Path(file).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return file


def write_package_define(package: Package, folder: Path, *, study, ct, created: str) -> DefineOutcome:
    """define.xml + define.html + metadata.json next to the datasets they describe, then check them.

    The define sits in the package folder (as in a submission's tabulations folder) so that each
    def:leaf href (``dm.xpt``) resolves.
    """
    stamp = datetime.fromisoformat(created)
    dump_package_metadata(package, folder / "metadata.json", created=stamp)
    path = write_define(build_define(package, study=study, ct=ct, created=stamp), folder / "define.xml")
    html = render_define_html(path, folder / "define.html")
    return DefineOutcome(path, html, validate_define_xsd(path), check_define_against_data(path, package, ct=ct))


def _say(progress: Progress | None, text: str) -> None:
    if progress is not None:
        progress(text)


def _check_package(package: Package, name: str, out_dir: Path, *, standard: str, study, ct, rules, created: str,
                   progress: Progress | None) -> PackageCheck:
    """define.xml next to the package's datasets, then validation with reports in reports/<name>/."""
    folder = out_dir / name
    _say(progress, f"define: {folder / 'define.xml'}")
    define = write_package_define(package, folder, study=study, ct=ct, created=created)
    _say(progress, f"validate: {folder}")
    t0 = time.perf_counter()
    validation = validate(folder, rules=list(rules), standard=standard, started=created, define=define.path)
    seconds = time.perf_counter() - t0
    # The report files must be byte-identical for the same inputs: record the package path relative
    # to the run folder and keep wall-clock time out of them (it is printed, not written).
    validation.path = name
    validation.datasets = [replace(d, file=_relative(d.file, out_dir)) for d in validation.datasets]
    validation.define = _relative(str(define.path), out_dir)
    validation.duration_seconds = None
    write_reports(validation, out_dir / "reports" / name, ("json", "html", "xlsx"))
    _say(progress, f"  {len(validation.rules)} rules in {seconds:.1f} s")
    return PackageCheck(define, validation)


def run(
    raw_dir: str | Path,
    study: str | Path = "il2dm",
    out_dir: str | Path = "run",
    *,
    rules: Sequence[str | Path] = (),
    formats: Sequence[str] = ("xpt", "json"),
    created: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Convert ``raw_dir`` to SDTM, derive ADaM, write each package's define and validate both."""
    from .derive import derive

    out_dir = Path(out_dir)
    created = created or DEFAULT_CREATED

    def on_domain(name: str, records: int, seconds: float) -> None:
        _say(progress, f"  {name:<8} {records:>10,} records {seconds:7.2f} s")

    _say(progress, f"convert: {raw_dir} -> {out_dir / 'sdtm'}")
    # the converted package carries its value-level metadata (convert attaches it)
    converted = convert(raw_dir, study, out_dir, formats=formats, created=created, progress=on_domain)
    study_obj = load_study(study)
    ct = default_ct(converted.plan.folder)
    sdtm = _check_package(converted.package, "sdtm", out_dir, standard="sdtmig-3.4", study=study_obj, ct=ct,
                          rules=rules, created=created, progress=progress)
    _say(progress, f"derive: {out_dir / 'sdtm'} -> {out_dir / 'adam'}")
    # from the SDTM files just written (the column-wise XPT reader), not from converted.package,
    # whose datasets would each parse their Dataset-JSON back: the ADaM is the same, byte for byte
    derived = derive(out_dir / "sdtm", study, out_dir, formats=formats, created=created)
    adam = _check_package(derived.package, "adam", out_dir, standard="adamig-1.3", study=study_obj, ct=ct,
                          rules=rules, created=created, progress=progress)
    return RunResult(out_dir=out_dir, convert=converted, validation=sdtm.validation, define=sdtm.define,
                     derive=derived, adam=adam)


def demo(
    out_dir: str | Path = "demo-run",
    *,
    subjects: int = 240,
    seed: int = 7,
    rules: Sequence[str | Path] = (),
    progress: Progress | None = None,
) -> RunResult:
    """Synthesize the built-in IL-2 study's raw export and run the whole pipeline on it."""
    from .synth import synthesize

    out_dir = Path(out_dir)
    _say(progress, f"synth: {subjects} randomized subjects, seed {seed} -> {out_dir / 'raw'}")
    summary = synthesize(out_dir / "raw", subjects=subjects, seed=seed)
    result = run(out_dir / "raw", "il2dm", out_dir, rules=rules, progress=progress)
    result.synth = summary
    return result


#: the demo's headline endpoints: (ADEFF PARAMCD, responder flag variable, description)
WEEK12_ENDPOINTS = (
    ("TIS", "CRIT1FL", "2016 ACR/EULAR TIS >= 20 (at least minimal improvement)"),
    ("IMACSDOI", "AVALC", "IMACS 2004 definition of improvement"),
)


def week12_response_rates(result: RunResult) -> dict[str, dict[str, dict[str, int]]]:
    """Week-12 responders per planned arm of the blinded period, from ADEFF (ITT/FAS records)."""
    derived = result.derive
    if derived is None or "ADEFF" not in derived.package:
        return {}
    eff = derived.package["ADEFF"].data
    if not {"PARAMCD", "AVISIT", "TRT01P"} <= set(eff.columns):
        return {}
    wk12 = eff[eff["AVISIT"].astype("string").str.upper().eq("WEEK 12")]
    out: dict[str, dict[str, dict[str, int]]] = {}
    for code, flag, _ in WEEK12_ENDPOINTS:
        if flag not in wk12:
            continue
        rows = wk12[wk12["PARAMCD"].eq(code) & wk12[flag].notna() & wk12[flag].astype("string").ne("")]
        if "ANL01FL" in rows and rows["ANL01FL"].eq("Y").any():
            rows = rows[rows["ANL01FL"].eq("Y")]  # one record per subject in the window
        counts = rows.groupby("TRT01P", sort=True)[flag].agg(responders=lambda f: int(f.eq("Y").sum()), n="size")
        out[code] = {str(arm): {"responders": int(r.responders), "n": int(r.n)} for arm, r in counts.iterrows()}
    return out


def print_progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def describe(result: RunResult) -> str:
    """A short human summary of a run for the console."""
    lines = []
    if result.synth is not None:
        s = result.synth
        arms = ", ".join(f"{k} {v}" for k, v in sorted(s.by_arm.items()))
        lines.append(f"raw export: {s.screened} screened, {s.randomized} randomized ({arms}), {s.discontinued} discontinued early")
    conv = result.convert.summary()
    lines.append(
        "SDTM: " + ", ".join(f"{k} {v:,}" for k, v in sorted(conv["datasets"].items()))
    )
    issues = conv["issues"]
    lines.append(
        f"data findings: {issues['error']} errors, {issues['warning']} warnings; "
        f"all raw records accounted for: {'yes' if conv['all_raw_records_accounted'] else 'NO'}"
    )
    if result.define is not None:
        d = result.define
        lines.append(
            f"define.xml: {'XSD-valid' if not d.xsd_errors else f'{len(d.xsd_errors)} XSD errors'}; "
            f"define vs data: {d.report.count('error')} errors, {d.report.count('warning')} warnings"
        )
    lines.append("SDTM " + format_console_summary(result.validation))
    if result.derive is not None:
        adam = result.derive.summary()
        datasets = adam.get("datasets", {})
        lines.append("ADaM: " + ", ".join(f"{k} {v:,}" for k, v in sorted(datasets.items())))
    if result.adam is not None:
        d = result.adam.define
        lines.append(
            f"ADaM define.xml: {'XSD-valid' if not d.xsd_errors else f'{len(d.xsd_errors)} XSD errors'}; "
            f"define vs data: {d.report.count('error')} errors, {d.report.count('warning')} warnings"
        )
        lines.append("ADaM " + format_console_summary(result.adam.validation))
    rates = week12_response_rates(result)
    for code, _, text in WEEK12_ENDPOINTS:
        if code not in rates:
            continue
        arms = rates[code]
        shown = "; ".join(
            f"{arm}: {v['responders']}/{v['n']} ({v['responders'] / v['n']:.0%})" if v["n"] else f"{arm}: not computable"
            for arm, v in arms.items()
        )
        lines.append(f"week 12, {text}: {shown or 'not computable (a core set measure is missing for every subject)'}")
    lines.append(f"run folder: {result.out_dir}")
    return "\n".join(lines)
