"""Raw readers: every raw export format behind one interface.

::

    from cdisc_dm.raw import read_raw, read_table, RawStudy, RawTable, write_odm
    raw = read_raw("export/")        # CSV/XLSX/SAS7BDAT/XPT files and ODM 1.3.2 .xml
    raw["DM"].data                   # text columns exactly as delivered; empty cells NA
    raw["DM"].rows                   # 1-based record numbers in the source file
    raw.dictionary                   # data_dictionary.json when present
    raw.describe()                   # per table: file, format, encoding, rows, columns
    write_odm("export/", "export/odm/ODM.xml")   # the EDC forms as ODM 1.3.2
"""
from __future__ import annotations

from .csv_reader import read_csv_table
from .encoding import detect_encoding
from .odm import read_odm_tables
from .odm_write import write_odm
from .reader import read_raw, read_table
from .sas import read_sas_table
from .study import RawStudy, RawTable
from .xlsx import read_xlsx_tables

__all__ = [
    "read_raw",
    "read_table",
    "RawStudy",
    "RawTable",
    "write_odm",
    "read_csv_table",
    "read_sas_table",
    "read_xlsx_tables",
    "read_odm_tables",
    "detect_encoding",
]
