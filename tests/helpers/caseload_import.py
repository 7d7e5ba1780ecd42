"""A caseload import file for the import tests: its header, four good rows, and writing it out."""

from __future__ import annotations

HEADER = ("carer_ref,first_name,last_name,date_of_birth,sex,ethnicity,district,school,household_ref,"
          "referral_date,referral_source,consent,allocated_date,assessment_completed_date,impact_level,"
          "closed_date,closure_reason")
GOOD = [
    "K1,Amira,Khan,01/05/2012,F,ABAN,Dover,St Mary's Primary,H1,2024-01-10,school,given,2024-01-12,"
    "2024-01-30,high,,",
    "K1,Amira,Khan,01/05/2012,F,ABAN,Dover,St Mary's Primary,H1,10/03/2025,gp,given,,,,2025-04-01,moved_away",
    "K2,Zain,Khan,2014-09-03,M,ABAN,Dover,St Mary's Primary,H1,2025-03-10,parent,pending,,,,,",
    'K3,"Ó Briain, Seán",Murphy,2010-02-02,M,WIRI,Thanet,,,2023-06-01,self,refused,,,,2023-06-20,'
    "consent_not_given",
]


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def write(tmp_path, text: str, *, bom: bool = False, name: str = "caseload.csv"):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path
