"""A small EDC export folder written by hand with the csv module (the synth layout).

Values are chosen to stress the readers and the ODM round trip: delimiters, quotes,
line breaks, CJK text, leading/trailing blanks, the text ``NA``, empty cells, a log
form with several records per page, and an unscheduled folder repeated twice.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

SYSTEM = ["project", "SiteNumber", "Subject", "Folder", "FolderSeq", "InstanceName",
          "DataPageName", "PageRepeatNumber", "RecordPosition"]
STUDY = "IL2DM-TEST-01"


def _sys(subject, folder, seq, instance, page, prn, pos):
    return [STUDY, subject[:2], subject, folder, seq, instance, page, prn, pos]


FORMS = {
    "DM": {
        "label": "Demographics",
        "columns": [("BRTHDAT", "Date of birth", "date", "DD MMM YYYY"), ("SEX", "Sex", "text", None),
                    ("AGE", "Age", "integer", None), ("HEIGHT", "Height", "float", None),
                    ("RACEOTH", "Race, other", "text", None)],
        "rows": [
            _sys("01-0001", "SCRN", "1", "Screening", "Demographics", "1", "0") + ["12 MAR 1970", "F", "54", "162.5", ""],
            _sys("01-0002", "SCRN", "1", "Screening", "Demographics", "1", "0") + ["UN JAN 1961", "m ", "63", "", "汉族, \"Han\""],
            _sys("02-0001", "SCRN", "1", "Screening", "Demographics", "1", "0") + ["", "NA", "", "170", "line one\nline two"],
        ],
    },
    "AE": {
        "label": "Adverse Events",
        "columns": [("AETERM", "Adverse event", "text", None), ("AESTDAT", "Start date", "date", "YYYY-MM-DD"),
                    ("AESER", "Serious", "text", None)],
        "rows": [
            _sys("01-0001", "LOG", "1", "Logs", "Adverse Events", "1", "1") + ["Headache; mild", "2021-03-02", "N"],
            _sys("01-0001", "LOG", "1", "Logs", "Adverse Events", "1", "2") + ["  rash  ", "2021-03-05", ""],
            _sys("01-0001", "LOG", "1", "Logs", "Adverse Events (2)", "2", "1") + ["皮疹", "", "Y"],
            _sys("02-0001", "LOG", "1", "Logs", "Adverse Events", "1", "1") + ["NULL", "2021-04-01", "N"],
        ],
    },
    "VS": {
        "label": "Vital Signs",
        "columns": [("VSDAT", "Date", "date", "DD MMM YYYY"), ("SYSBP", "Systolic BP", "integer", None),
                    ("TEMP", "Temperature", "float", None)],
        "rows": [
            _sys("01-0001", "SCRN", "1", "Screening", "Vital Signs", "1", "0") + ["01 MAR 2021", "120", "36.6"],
            _sys("01-0001", "UNS", "1", "Unscheduled 1", "Vital Signs", "1", "0") + ["09 MAR 2021", "<90", ""],
            _sys("01-0001", "UNS", "2", "Unscheduled 2", "Vital Signs", "1", "0") + ["", "", ""],
            _sys("01-0002", "SCRN", "1", "Screening", "Vital Signs", "1", "0") + ["02 MAR 2021", "135", "37"],
        ],
    },
}

LAB_COLUMNS = ["STUDYID", "SUBJECT", "VISIT", "LBTESTCD", "RESULT", "UNIT"]
LAB_ROWS = [
    [STUDY, "01-0001", "SCREENING", "CK", "<5", "U/L"],
    [STUDY, "01-0001", "SCREENING", "ALT", "32", "u/l"],
]


def write_export(root: Path) -> Path:
    """Write the export under ``root`` and return ``root``."""
    (root / "edc").mkdir(parents=True, exist_ok=True)
    (root / "lab").mkdir(parents=True, exist_ok=True)
    forms = []
    for name, form in FORMS.items():
        with open(root / "edc" / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(SYSTEM + [c[0] for c in form["columns"]])
            w.writerows(form["rows"])
        forms.append({
            "form": name, "file": f"edc/{name}.csv", "label": form["label"], "source": "EDC",
            "columns": [{"name": s, "label": s, "type": "text", "format": None, "system": True, "values": None} for s in SYSTEM]
            + [{"name": n, "label": lab, "type": t, "format": fmt, "system": False, "values": None}
               for n, lab, t, fmt in form["columns"]],
        })
    with open(root / "lab" / "LAB.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(LAB_COLUMNS)
        w.writerows(LAB_ROWS)
    forms.append({"form": "LAB", "file": "lab/LAB.csv", "label": "Central lab", "source": "LAB",
                  "columns": [{"name": c, "label": c, "type": "text", "format": None, "system": False, "values": None}
                              for c in LAB_COLUMNS]})
    (root / "data_dictionary.json").write_text(json.dumps({"study": STUDY, "forms": forms}, indent=1), encoding="utf-8")
    return root
