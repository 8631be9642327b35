"""ODM reader on ODM written by other systems: typed ItemData, IsNull, empty forms."""
from __future__ import annotations

import pandas as pd

from cdisc_dm.raw import read_odm_tables

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" '
    'CreationDateTime="2021-01-01T00:00:00" ODMVersion="1.3.2">'
    '<Study OID="S"><GlobalVariables><StudyName>S</StudyName><StudyDescription>S</StudyDescription>'
    '<ProtocolName>S</ProtocolName></GlobalVariables><MetaDataVersion OID="M" Name="M">'
    '<StudyEventDef OID="V1" Name="Visit 1" Repeating="No" Type="Scheduled"/>'
    '<FormDef OID="VS" Name="Vital signs" Repeating="No"><ItemGroupRef ItemGroupOID="IG.VS" Mandatory="No"/></FormDef>'
    '<FormDef OID="AE" Name="Adverse events" Repeating="No"><ItemGroupRef ItemGroupOID="IG.AE" Mandatory="No"/></FormDef>'
    '<ItemGroupDef OID="IG.VS" Name="VS" Repeating="No"><ItemRef ItemOID="VS.SYSBP" Mandatory="No"/>'
    '<ItemRef ItemOID="VS.POS" Mandatory="No"/><ItemRef ItemOID="VS.NOTE" Mandatory="No"/></ItemGroupDef>'
    '<ItemGroupDef OID="IG.AE" Name="AE" Repeating="Yes"><ItemRef ItemOID="AE.TERM" Mandatory="No"/></ItemGroupDef>'
    '<ItemDef OID="VS.SYSBP" Name="SYSBP" DataType="integer"/><ItemDef OID="VS.POS" Name="POS" DataType="text"/>'
    '<ItemDef OID="VS.NOTE" Name="NOTE" DataType="text"/><ItemDef OID="AE.TERM" Name="TERM" DataType="text"/>'
    "</MetaDataVersion></Study>"
)


def test_typed_items_isnull_and_empty_forms(tmp_path):
    data = (
        '<ClinicalData StudyOID="S" MetaDataVersionOID="M">'
        '<SubjectData SubjectKey="01-0001"><SiteRef LocationOID="01"/>'
        '<StudyEventData StudyEventOID="V1"><FormData FormOID="VS"><ItemGroupData ItemGroupOID="IG.VS">'
        "<ItemDataInteger ItemOID=\"VS.SYSBP\">120</ItemDataInteger>"
        '<ItemData ItemOID="VS.POS" IsNull="Yes"/>'
        '<ItemData ItemOID="VS.NOTE" Value="NA"/>'
        "</ItemGroupData></FormData></StudyEventData></SubjectData></ClinicalData></ODM>\n"
    )
    path = tmp_path / "ODM.xml"
    path.write_text(_HEAD + data, encoding="utf-8")
    vs, ae = read_odm_tables(path)
    assert vs.name == "VS" and ae.name == "AE"
    row = vs.data.iloc[0]
    assert row["SYSBP"] == "120" and pd.isna(row["POS"]) and row["NOTE"] == "NA"
    assert row["project"] == "S" and row["SiteNumber"] == "01" and row["InstanceName"] == "Visit 1"
    assert pd.isna(row["FolderSeq"]) and pd.isna(row["RecordPosition"])   # no repeat keys given
    assert len(ae.data) == 0 and ae.columns[-1] == "TERM"                    # a form without data is an empty table
    assert vs.encoding == "utf-8"
