"""``synthesize``: write the whole synthetic raw export of the IL-2 study into a folder.

    >>> from cdisc_dm.synth import synthesize
    >>> s = synthesize("/tmp/il2-raw", subjects=60, seed=7)      # doctest: +SKIP
    >>> s.randomized, sorted(s.by_arm)                            # doctest: +SKIP
    (60, ['IL2', 'PBO'])

Every generator draws from its own random stream, derived from the seed and a fixed stream
number, so the files depend only on (seed, subjects, study definition, rates) and a change
in one form's generator does not shift the random numbers of another.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UsageError
from .admin import build_admin_forms
from .ae import build_ae
from .cm import build_cm
from .config import MessRates, TrialRates
from .crf_dates import site_styles
from .csv_out import write_csv, write_csv_chunks
from .design import SynthDesign, design_from_study
from .dictionary import FORMS, form_def, write_dictionary
from .efficacy import build_efficacy_forms, draw_baseline
from .ex import build_ex
from .lab import draw_lab_baseline, lab_chunks
from .population import build_population
from .visits import build_visits

__all__ = ["synthesize", "SynthSummary"]

# fixed stream numbers: never renumber (it would change every file for a given seed)
_STREAM = {"population": 1, "visits": 2, "baseline": 3, "efficacy": 4, "labbase": 5, "lab": 6, "ae": 7, "cm": 8,
           "ex": 9, "admin": 10}
_OUTPUT_NAMES = ("edc", "lab", "odm", "data_dictionary.json", "data_dictionary.csv")


@dataclass
class SynthSummary:
    out_dir: str
    studyid: str
    seed: int
    screened: int
    randomized: int
    screen_failures: int
    by_arm: dict[str, int]
    discontinued: int
    rows: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def synthesize(out_dir: str | Path, subjects: int = 240, seed: int = 7, odm: bool = False, *,
               study: object = "il2dm", mess: MessRates = MessRates(), rates: TrialRates = TrialRates()) -> SynthSummary:
    """Write the raw export of ``subjects`` randomized subjects into ``out_dir`` (see docs/raw-export.md)."""
    if isinstance(subjects, bool) or not isinstance(subjects, (int, np.integer)) or subjects < 1:
        raise UsageError(f"subjects must be a whole number of at least 1, got {subjects!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"seed must be a whole number of at least 0, got {seed!r}")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"output folder {out_dir} exists and is not a folder")
    design = design_from_study(study)
    # the temporary folder must be on the same file system as the target so the final move is
    # a rename: inside the target when it exists (it is writable), else next to it
    base = out_dir if out_dir.is_dir() else out_dir.resolve().parent
    try:
        base.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".synth-", dir=base))
        # mkdtemp makes the folder private (0700); the export gets the user's usual permissions
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
    except OSError as exc:
        raise UsageError(f"cannot write next to output folder {out_dir}: {exc.strerror or exc}") from None
    try:
        summary = _generate(tmp, design, int(subjects), int(seed), mess, rates)
        if odm:
            try:
                from ..raw.odm_write import write_odm
            except ImportError as exc:
                raise UsageError(f"--odm needs cdisc_dm.raw.odm_write, which cannot be imported: {exc}") from None
            (tmp / "odm").mkdir()
            write_odm(tmp, tmp / "odm" / "ODM.xml")
            summary.files.append("odm/ODM.xml")
        _install(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary.out_dir = str(out_dir)
    return summary


def _install(tmp: Path, out_dir: Path) -> None:
    """Move the finished export into place: one rename of the folder, or of each output entry."""
    if not out_dir.exists():
        os.replace(tmp, out_dir)
        return
    trash = tmp / ".replaced"
    trash.mkdir()
    for name in _OUTPUT_NAMES:
        if (out_dir / name).exists():
            os.replace(out_dir / name, trash / name)
        if (tmp / name).exists():
            os.replace(tmp / name, out_dir / name)
    shutil.rmtree(tmp)


def _generate(folder: Path, design: SynthDesign, n_rand: int, seed: int, mess: MessRates, rates: TrialRates) -> SynthSummary:
    rng = lambda name: np.random.default_rng([seed, _STREAM[name]])  # noqa: E731
    styles = site_styles(design.siteids, mess)
    pop = build_population(design, n_rand, rng("population"), rates)
    visits = build_visits(design, pop, rng("visits"), mess)
    # last contact (date) per subject: the latest attended visit, or the last dose of a subject
    # who stops between visits and is not seen again (lost to follow-up, withdrawal: the site
    # learns the last dose by telephone), so the end of study is never before the last dose
    last_day = np.full(pop.n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last_day, visits.subj[visits.attended], visits.day[visits.attended])
    last_day = np.where(pop.disc, np.maximum(last_day, pop.d1_day + pop.disc_sday - 1), last_day)
    last_sday = np.where(pop.randomized, last_day - pop.d1_day + 1, 0)
    # last dose: the day before the end-of-treatment visit, or the last dose of a subject who stopped
    eot = (visits.vidx == design.i_eot) & visits.attended
    last_dose = np.zeros(pop.n, dtype=np.int64)
    last_dose[visits.subj[eot]] = visits.sday[eot] - 1
    last_dose = np.where(pop.disc, pop.disc_sday, last_dose)

    base = draw_baseline(design, pop, rng("baseline"))
    eff = build_efficacy_forms(design, pop, visits, base, rng("efficacy"), mess, styles)
    ae_cols, ae_events = build_ae(design, pop, last_sday, rng("ae"), mess, styles)
    cm_cols = build_cm(design, pop, ae_events, last_day, rng("cm"), mess, styles)
    ex_cols, first_kit = build_ex(design, pop, visits, rng("ex"), mess, styles)
    admin = build_admin_forms(design, pop, visits, first_kit, last_day, rng("admin"), mess, styles)
    tables = {**admin, "EX": ex_cols, "AE": ae_cols, "CM": cm_cols, **eff}

    (folder / "edc").mkdir()
    (folder / "lab").mkdir()
    rows: dict[str, int] = {}
    files: list[str] = []
    for f in FORMS:
        path = folder / f.file
        if f.source == "LAB":
            lb = draw_lab_baseline(design, pop, rng("labbase"), last_dose)
            chunks = lab_chunks(design, pop, visits, lb, base.resp, [seed, _STREAM["lab"]], mess)
            rows[f.form] = write_csv_chunks(path, form_def(f.form).column_names(), chunks)
        else:
            rows[f.form] = write_csv(path, tables[f.form])
        files.append(f.file)
    files += [p.name for p in write_dictionary(folder, design.studyid)]
    r = pop.rand_idx
    return SynthSummary(
        out_dir=str(folder), studyid=design.studyid, seed=seed, screened=int(pop.n), randomized=int(len(r)),
        screen_failures=int(pop.n - len(r)),
        by_arm={a: int((pop.arm[r] == i).sum()) for i, a in enumerate(design.armcds)},
        discontinued=int(pop.disc.sum()), rows=rows, files=files,
    )
