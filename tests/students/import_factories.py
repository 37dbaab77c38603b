"""Builders of SIECLE-like CSV files for the import tests."""

import io

HEADER = [
    "INE",
    "NOM",
    "PRENOM",
    "DATE_NAISS",
    "SEXE",
    "UAI",
    "MEF",
    "NIVEAU",
    "DIVISION",
    "VOIE",
    "DATE_ENTREE",
    "RL1_NOM",
    "RL1_PRENOM",
    "RL1_LIEN",
    "RL1_TEL",
    "RL1_EMAIL",
    "RL2_NOM",
    "RL2_PRENOM",
    "RL2_LIEN",
    "RL2_TEL",
    "RL2_EMAIL",
]


def pupil_row(uai, n=1, **overrides) -> dict:
    row = {
        "INE": f"{123456000 + n:09d}AB",
        "NOM": f"MARTIN{n}",
        "PRENOM": "Léa",
        "DATE_NAISS": "12/05/2008",
        "SEXE": "F",
        "UAI": uai,
        "MEF": "24725511310",
        "NIVEAU": "TPRO",
        "DIVISION": "TPRO-A",
        "VOIE": "",
        "DATE_ENTREE": "01/09/2025",
        "RL1_NOM": f"MARTIN{n}",
        "RL1_PRENOM": "Sophie",
        "RL1_LIEN": "Mère",
        "RL1_TEL": "06 11 22 33 44",
        "RL1_EMAIL": "sophie.martin@example.org",
        "RL2_NOM": "",
        "RL2_PRENOM": "",
        "RL2_LIEN": "",
        "RL2_TEL": "",
        "RL2_EMAIL": "",
    }
    row.update(overrides)
    return row


def csv_bytes(rows, *, header=HEADER, sep=";", encoding="utf-8") -> bytes:
    lines = [sep.join(header)]
    for row in rows:
        lines.append(sep.join(row.get(column, "") for column in header))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def csv_stream(rows, **kwargs) -> io.BytesIO:
    return io.BytesIO(csv_bytes(rows, **kwargs))
