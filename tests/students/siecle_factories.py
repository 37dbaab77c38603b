"""Synthetic SIECLE exports built on the public layout (invented names, INEs and ids)."""

import io

from imports.sources import open_upload
from students.siecle_export import eleves_xml, responsables_xml, zipped

LIMIT = 50 * 1024 * 1024


def lycee_pupils():
    return [
        {
            "eleve_id": "900001",
            "ine": "123456789AB",
            "last_name": "CŒUR",
            "first_name": "Lœtitia",
            "birth_date": "14/03/2008",
            "sex": "2",
            "mef": "20110019110",
            "division": "1G2",
            "entry_date": "01/09/2024",
        },
        {
            # Leaver at 17: interruption d'études, no diploma.
            "eleve_id": "900002",
            "ine": "1234567890C",
            "last_name": "FICTIF",
            "first_name": "Noé",
            "birth_date": "02/11/2008",
            "sex": "1",
            "mef": "20010018110",
            "division": "2NDE3",
            "entry_date": "01/09/2025",
            "exit_date": "20/10/2025",
            "motif": "41",
        },
        {
            # Newcomer whose INE is still pending in the RNIE.
            "eleve_id": "900003",
            "ine": "",
            "last_name": "ŠKODA",
            "first_name": "Žofia",
            "birth_date": "30/06/2009",
            "sex": "2",
            "mef": "20010018110",
            "division": "2NDE3",
            "entry_date": "15/10/2025",
        },
        {
            # Leaver at 15 (end of studies without activity): instruction obligation.
            "eleve_id": "900004",
            "ine": "223456789AB",
            "last_name": "ŸSER",
            "first_name": "Éloïse",
            "birth_date": "05/01/2011",
            "sex": "2",
            "mef": "24725511310",
            "division": "2PRO-A",
            "entry_date": "01/09/2025",
            "exit_date": "17/10/2025",
            "motif": "35",
        },
        {
            # Moved to another lycée: an exit, not a dropout.
            "eleve_id": "900005",
            "ine": "323456789AB",
            "last_name": "DUPRÉ",
            "first_name": "Noël",
            "birth_date": "09/09/2008",
            "sex": "1",
            "mef": "20110019110",
            "division": "1G2",
            "entry_date": "01/09/2024",
            "exit_date": "10/10/2025",
            "motif": "10",
        },
    ]


def links():
    return [
        {
            "eleve_id": "900001",
            "person_id": "500001",
            "last_name": "CŒUR",
            "first_name": "Alex",
            "level": 1,
            "code": "10",
            "priority": True,
            "phone": "+33600000001",
            "email": "alex@example.org",
            "address": "1 RUE DE L'EXEMPLE",
        },
        {
            "eleve_id": "900001",
            "person_id": "500002",
            "last_name": "CŒUR",
            "first_name": "Marc",
            "level": 1,
            "code": "20",
            "address": "3 RUE DU PÈRE",
        },
        {
            "eleve_id": "900001",
            "person_id": "500003",
            "last_name": "VOISIN",
            "first_name": "Léo",
            "level": 3,
            "code": "90",
            "phone": "+33600000003",
        },
        {
            "eleve_id": "900003",
            "person_id": "500004",
            "last_name": "SERVICE ASE 77",
            "first_name": "",
            "level": 1,
            "code": "51",
            "address": "12 AVENUE DU DÉPARTEMENT",
        },
    ]


def upload(name: str, data: bytes):
    return open_upload(io.BytesIO(data), name=name, max_bytes=LIMIT)


def eleves_zip(uai, *, pupils=None, school_year=2025, encoding="ISO-8859-15"):
    data = eleves_xml(
        uai=uai, school_year=school_year, pupils=pupils or lycee_pupils(), encoding=encoding
    )
    return zipped("ElevesSansAdresses.xml", data)


def responsables_zip(uai, *, school_year=2025, encoding="ISO-8859-15", link_rows=None):
    data = responsables_xml(
        uai=uai, school_year=school_year, links=link_rows or links(), encoding=encoding
    )
    return zipped("ResponsablesAvecAdresses.xml", data)
