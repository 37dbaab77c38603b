"""Writing SIECLE-shaped exports (BEE layout, docs/formats §1.8) from plain values.

Used to let a newcomer try the real upload with the demo lycée (`load_demo --siecle-dir`),
and by the tests and benchmarks; never fed with real personal data.
"""

import io
import zipfile
from xml.sax.saxutils import escape


def _tag(name: str, value) -> str:
    if value in (None, ""):
        return ""
    return f"<{name}>{escape(str(value))}</{name}>"


def _params(uai: str, school_year: int, export_date: str) -> str:
    return (
        f"<PARAMETRES>{_tag('UAJ', uai)}{_tag('ANNEE_SCOLAIRE', school_year)}"
        f"{_tag('DATE_EXPORT', export_date)}"
        f"{_tag('HORODATAGE', export_date + ' 10:00:00')}</PARAMETRES>"
    )


def eleves_xml(
    *, uai: str, school_year: int, pupils, export_date: str = "15/09/2025", encoding="ISO-8859-15"
) -> bytes:
    """`pupils`: dicts with eleve_id, ine, last_name, first_name, birth_date (JJ/MM/AAAA),
    sex (1/2), mef, division, entry_date and optionally exit_date, motif, statut."""
    out = io.StringIO()
    out.write(f'<?xml version="1.0" encoding="{encoding}"?>\n<BEE_ELEVES VERSION="3.0">')
    out.write(_params(uai, school_year, export_date))
    out.write("<DONNEES><ELEVES>")
    for p in pupils:
        out.write(f'<ELEVE ELEVE_ID="{escape(str(p["eleve_id"]))}">')
        out.write(_tag("ID_NATIONAL", p.get("ine", "")) or "<ID_NATIONAL></ID_NATIONAL>")
        out.write(_tag("NOM_DE_FAMILLE", p["last_name"]) + _tag("PRENOM", p["first_name"]))
        out.write(_tag("DATE_NAISS", p["birth_date"]) + _tag("CODE_SEXE", p.get("sex", "2")))
        out.write(_tag("CODE_PAYS", "100") + _tag("DATE_ENTREE", p.get("entry_date")))
        out.write(_tag("DATE_SORTIE", p.get("exit_date")))
        out.write(_tag("CODE_MOTIF_SORTIE", p.get("motif")))
        out.write(_tag("CODE_STATUT", p.get("statut", "ST")) + _tag("CODE_MEF", p.get("mef")))
        out.write("</ELEVE>")
    out.write("</ELEVES><STRUCTURES>")
    for p in pupils:
        division = p.get("division")
        if not division:
            continue
        out.write(
            f'<STRUCTURES_ELEVE ELEVE_ID="{escape(str(p["eleve_id"]))}"><STRUCTURE>'
            f"{_tag('CODE_STRUCTURE', division)}<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>"
            "</STRUCTURES_ELEVE>"
        )
    out.write("</STRUCTURES></DONNEES></BEE_ELEVES>\n")
    return out.getvalue().encode(encoding)


def responsables_xml(
    *, uai: str, school_year: int, links, export_date="15/09/2025", encoding="ISO-8859-15"
) -> bytes:
    """`links`: dicts with eleve_id, person_id, last_name, first_name, level (1/2/3), code
    (CODE_PARENTE) and optionally priority, phone, email, address (one line), postcode, city."""
    out = io.StringIO()
    out.write(f'<?xml version="1.0" encoding="{encoding}"?>\n<BEE_RESPONSABLES VERSION="2.1">')
    out.write(_params(uai, school_year, export_date) + "<DONNEES><PERSONNES>")
    persons = {}
    for link in links:
        persons.setdefault(link["person_id"], link)
    for person_id, p in persons.items():
        out.write(f'<PERSONNE PERSONNE_ID="{escape(str(person_id))}">')
        out.write(_tag("LC_CIVILITE", p.get("civility", "MME")))
        out.write(_tag("NOM_DE_FAMILLE", p["last_name"]) + _tag("PRENOM", p.get("first_name")))
        out.write(_tag("TEL_PORTABLE", p.get("phone")) + _tag("MEL", p.get("email")))
        if p.get("address"):
            out.write(_tag("ADRESSE_ID", f"A{person_id}"))
        out.write("</PERSONNE>")
    out.write("</PERSONNES><RESPONSABLES>")
    for link in links:
        out.write(
            "<RESPONSABLE_ELEVE>"
            + _tag("ELEVE_ID", link["eleve_id"])
            + _tag("PERSONNE_ID", link["person_id"])
            + _tag("NIVEAU_RESPONSABILITE", link.get("level", 1))
            + _tag("CODE_PARENTE", link.get("code", "10"))
            + _tag("A_CONTACTER_EN_PRIORITE", "true" if link.get("priority") else "false")
            + "</RESPONSABLE_ELEVE>"
        )
    out.write("</RESPONSABLES><ADRESSES>")
    for person_id, p in persons.items():
        if not p.get("address"):
            continue
        out.write(
            f'<ADRESSE ADRESSE_ID="A{escape(str(person_id))}">'
            + _tag("LIGNE1_ADRESSE", p["address"])
            + _tag("CODE_POSTAL", p.get("postcode", "77000"))
            + _tag("LIBELLE_POSTAL", p.get("city", "MELUN"))
            + "</ADRESSE>"
        )
    out.write("</ADRESSES></DONNEES></BEE_RESPONSABLES>\n")
    return out.getvalue().encode(encoding)


def zipped(name: str, data: bytes) -> bytes:
    """One export as SIECLE ships it: a ZIP holding one XML file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()
