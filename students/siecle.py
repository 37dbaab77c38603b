"""SIECLE (Base élèves établissement) XML exports: streaming reading and validation.

The four exports a school head downloads (`ExportXML_ElevesSansAdresses.zip` or
`ElevesAvecAdresses`, `ResponsablesAvecAdresses`, `Nomenclature`, `Structures`, each as ZIP or
bare XML; layout in docs/formats §1) are read with a parser hardened against external entities,
DTDs and entity expansion (defusedxml), element by element: each pupil is cleared once read, so
memory does not grow with the file. The encoding comes from the XML prolog (ISO-8859-15 in
every real export).

What the exports do not carry per pupil is taken where SIECLE keeps it: the school from
`PARAMETRES/UAJ`, the school year from `PARAMETRES/ANNEE_SCOLAIRE`, the class from
`STRUCTURES_ELEVE` (`TYPE_STRUCTURE` D), the level from `CODE_MEF` through the nomenclature
(`FORMATION`) or, without one, through the built-in table of MEF families below.
"""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from imports.reports import parse_date
from imports.sources import ImportFileError, normalize_key

from .enums import ExitReason, Level, Sex
from .validators import is_ine, normalize_ine

ELEVES, RESPONSABLES, NOMENCLATURE, STRUCTURES = (
    "eleves",
    "responsables",
    "nomenclature",
    "structures",
)
ROOTS = {
    "BEE_ELEVES": ELEVES,
    "BEE_RESPONSABLES": RESPONSABLES,
    "BEE_NOMENCLATURES": NOMENCLATURE,
    "BEE_STRUCTURES": STRUCTURES,
}
KIND_LABELS = {
    ELEVES: "élèves",
    RESPONSABLES: "responsables",
    NOMENCLATURE: "nomenclature",
    STRUCTURES: "structures",
}
# Pupils first (the representatives join on their ELEVE_ID), code tables before them.
KIND_ORDER = {NOMENCLATURE: 0, STRUCTURES: 1, ELEVES: 2, RESPONSABLES: 3}

# Exit motifs: SIECLE Nomenclature, section MOTIFS_SORTIE (docs/formats §1.5, read in
# betagouv/dossiersco:doc/analyse_nomenclature/Nomenclature-2019-20.xml). The last value says
# whether the motif, for a leaver without a diploma, is a dropout signal: an interruption of
# studies or an end of studies without (known) activity. A nomenclature uploaded with the
# pupils supplies the labels of any other code.
EXIT_MOTIFS_SOURCE = "Nomenclature SIECLE (BEE), table MOTIFS_SORTIE"
EXIT_MOTIFS: dict[str, tuple[str, str, bool]] = {
    "10": (
        "Suite d'études 2d degré MEN (même académie)",
        ExitReason.CHANGEMENT_ETABLISSEMENT,
        False,
    ),
    "11": (
        "Suite d'études 2d degré MEN (autre académie)",
        ExitReason.CHANGEMENT_ETABLISSEMENT,
        False,
    ),
    "12": ("Suite d'études 2d degré MEN (privé)", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "13": ("Suite d'études 2d degré MEN", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "14": ("Suite d'études 2d degré MEN", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "19": ("Suite d'études 2d degré MEN", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "20": ("Suite d'études : autre ministère", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "21": ("Suite d'études : agriculture", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "22": ("Suite d'études : enseignement supérieur", ExitReason.FIN_CYCLE, False),
    "23": ("Suite d'études à l'étranger", ExitReason.DEMENAGEMENT, False),
    "24": ("Autre suite d'études : apprentissage", ExitReason.APPRENTISSAGE, False),
    "25": ("Autre suite d'études", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "26": ("Autre suite d'études", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "27": ("Suite d'études : CNED", ExitReason.CHANGEMENT_ETABLISSEMENT, False),
    "31": ("Fin d'études : vie active", ExitReason.EMPLOI, False),
    "32": ("Fin d'études : recherche d'emploi", ExitReason.FIN_ETUDES, True),
    "35": ("Fin d'études : sans activité professionnelle", ExitReason.FIN_ETUDES, True),
    "39": ("Fin d'études : sans précision", ExitReason.FIN_ETUDES, True),
    "41": ("Interruption d'études", ExitReason.ABANDON, True),
    "44": ("Ne s'est pas présenté dans l'établissement", ExitReason.ABANDON, True),
    "45": ("Césure", ExitReason.AUTRE, False),
    "99": ("Inconnu", ExitReason.AUTRE, False),
}

# Levels by SIECLE's short formation name (Nomenclature MEF/FORMATION), normalised.
FORMATION_LEVELS = {
    "6EME": Level.SIXIEME,
    "5EME": Level.CINQUIEME,
    "4EME": Level.QUATRIEME,
    "3EME": Level.TROISIEME,
    "2_GT": Level.SECONDE_GT,
    "2NDE": Level.SECONDE_GT,
    "1G": Level.PREMIERE_G,
    "1_G": Level.PREMIERE_G,
    "TG": Level.TERMINALE_G,
    "T_G": Level.TERMINALE_G,
    "TLE_G": Level.TERMINALE_G,
}
FORMATION_PATTERNS = [
    (re.compile(r"^1_?ST"), Level.PREMIERE_T),
    (re.compile(r"^T_?ST"), Level.TERMINALE_T),
    (re.compile(r"^2N?D?E?_?PRO|^2_?BAC_?PRO|^2NDPRO"), Level.SECONDE_PRO),
    (re.compile(r"^1_?(BAC_?)?PRO|^1ERE_?PRO"), Level.PREMIERE_PRO),
    (re.compile(r"^T_?(BAC_?)?PRO|^TLE_?PRO"), Level.TERMINALE_PRO),
    (re.compile(r"^1_?CAP"), Level.CAP1),
    (re.compile(r"^2_?CAP"), Level.CAP2),
    (re.compile(r"^1_?BTS"), Level.BTS1),
    (re.compile(r"^2_?BTS"), Level.BTS2),
]
# Built-in table of the common MEF families when no nomenclature is given: the first three
# digits (dispositif de formation) and, for multi-year ones, the 10th digit (année), after
# pyKol's reading of the layout (docs/formats §1.5; unofficial, hence the nomenclature first).
MEF_DISPOSITIFS = {
    "100": Level.SIXIEME,
    "101": Level.CINQUIEME,
    "102": Level.QUATRIEME,
    "103": Level.TROISIEME,
    "200": Level.SECONDE_GT,
    "201": Level.PREMIERE_G,
    "202": Level.TERMINALE_G,
    "211": Level.PREMIERE_T,
    "212": Level.TERMINALE_T,
}
MEF_BY_YEAR = {
    "247": (Level.SECONDE_PRO, Level.PREMIERE_PRO, Level.TERMINALE_PRO),
    "240": (Level.SECONDE_PRO, Level.PREMIERE_PRO, Level.TERMINALE_PRO),
    "241": (Level.SECONDE_PRO, Level.PREMIERE_PRO, Level.TERMINALE_PRO),
    "242": (Level.SECONDE_PRO, Level.PREMIERE_PRO, Level.TERMINALE_PRO),
    "500": (Level.CAP1, Level.CAP2),
    "501": (Level.CAP1, Level.CAP2),
    "311": (Level.BTS1, Level.BTS2),
    "320": (Level.BTS1, Level.BTS2),
}
SEXES = {"1": Sex.M, "2": Sex.F}


def level_of(mef: str, formations: dict[str, str]) -> str:
    """Our level code for a CODE_MEF, "AUTRE" when neither table knows it."""
    formation = formations.get(mef)
    if formation:
        key = normalize_key(formation)
        if key in FORMATION_LEVELS:
            return FORMATION_LEVELS[key]
        for pattern, level in FORMATION_PATTERNS:
            if pattern.match(key):
                return level
    if len(mef) == 11 and mef.isdigit():
        if mef[:3] in MEF_DISPOSITIFS:
            return MEF_DISPOSITIFS[mef[:3]]
        years = MEF_BY_YEAR.get(mef[:3])
        if years:
            year = int(mef[9]) if mef[9].isdigit() else 1
            return years[min(max(year, 1), len(years)) - 1]
    return Level.AUTRE


@dataclass
class Parameters:
    kind: str
    uai: str
    school_year: int | None
    export_date: str
    name: str = ""

    @property
    def label(self) -> str:
        date = f" du {self.export_date}" if self.export_date else ""
        return f"export SIECLE {KIND_LABELS[self.kind]}{date} ({self.name})"


def _events(stream, events=("end",)):
    stream.seek(0)
    try:
        yield from iterparse(stream, events=events, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportFileError(
            "Fichier XML refusé : il déclare une DTD ou des entités (ce que SIECLE ne fait "
            "jamais), il n'est pas lu."
        ) from exc
    except ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        raise ImportFileError(
            f"Fichier XML incomplet ou mal formé (ligne {line}) : téléchargez l'export à "
            "nouveau depuis SIECLE."
        ) from exc


def read_parameters(stream, *, name: str) -> Parameters:
    """The kind of export (by its root element) and its PARAMETRES, read from its start."""
    root, values = None, {}
    for event, element in _events(stream, events=("start", "end")):
        if root is None:
            root = element.tag
            if root not in ROOTS:
                raise ImportFileError(
                    f"« {name} » n'est pas un export SIECLE (élément racine <{root}>) : "
                    "déposez ElevesSansAdresses, ElevesAvecAdresses, ResponsablesAvecAdresses, "
                    "Nomenclature ou Structures."
                )
            continue
        if event == "end" and element.tag in ("UAJ", "ANNEE_SCOLAIRE", "DATE_EXPORT"):
            values[element.tag] = (element.text or "").strip()
        if event == "end" and element.tag == "PARAMETRES":
            break
        if event == "start" and element.tag == "DONNEES":
            break
    if root is None:
        raise ImportFileError(f"« {name} » est vide.")
    year = values.get("ANNEE_SCOLAIRE", "")
    return Parameters(
        kind=ROOTS[root],
        uai=values.get("UAJ", "").upper(),
        school_year=int(year) if year.isdigit() else None,
        export_date=values.get("DATE_EXPORT", ""),
        name=name,
    )


def read_nomenclature(stream) -> tuple[dict[str, str], dict[str, str]]:
    """({CODE_MEF: FORMATION}, {CODE_MOTIF_SORTIE: libellé})."""
    formations, motifs = {}, {}
    for _, element in _events(stream):
        if element.tag == "MEF":
            code = element.get("CODE_MEF", "")
            formations[code] = (element.findtext("FORMATION") or "").strip()
            element.clear()
        elif element.tag == "MOTIF_SORTIE":
            code = element.get("CODE_MOTIF_SORTIE", "")
            label = element.findtext("LIBELLE_LONG") or element.findtext("LIBELLE_COURT") or ""
            motifs[code] = label.strip().capitalize()
            element.clear()
    return formations, motifs


def read_divisions(stream) -> dict[str, str]:
    """{ELEVE_ID: class code} from STRUCTURES_ELEVE, divisions only, "Inactifs" left out."""
    divisions = {}
    for _, element in _events(stream):
        if element.tag == "STRUCTURES_ELEVE":
            for structure in element.iter("STRUCTURE"):
                code = (structure.findtext("CODE_STRUCTURE") or "").strip()
                kind = (structure.findtext("TYPE_STRUCTURE") or "").strip()
                if kind == "D" and code and code.casefold() != "inactifs":
                    divisions[element.get("ELEVE_ID", "")] = code
                    break
            element.clear()
        elif element.tag == "ELEVE":
            element.clear()
    return divisions


@dataclass(slots=True)
class SieclePupil:
    line: int
    eleve_id: str
    ine: str
    last_name: str
    first_name: str
    birth_date: dt.date
    sex: str
    mef: str
    level: str
    division: str
    entry_date: dt.date | None
    exit_date: dt.date | None
    motif_code: str
    apprentice: bool
    email: str
    phone: str


def _text(element, tag) -> str:
    return " ".join((element.findtext(tag) or "").split())


def iter_pupils(stream, *, divisions, formations, report) -> "Iterator[SieclePupil]":  # noqa: F821
    """Validated pupils, one at a time; errors go to `report` (line of the ELEVE element)."""
    seen_ids, seen_ines = {}, {}
    today = dt.date.today()
    for _, element in _events(stream):
        if element.tag != "ELEVE":
            if element.tag in ("STRUCTURES_ELEVE", "OPTION"):
                element.clear()
            continue
        pupil = _pupil(element, seen_ids, seen_ines, divisions, formations, report, today)
        element.clear()
        if pupil is not None:
            yield pupil


def _pupil(element, seen_ids, seen_ines, divisions, formations, report, today):
    errors_before = report.error_count
    eleve_id = element.get("ELEVE_ID", "").strip()
    ref = eleve_id or "?"
    line = len(seen_ids) + 1

    def error(column, message):
        report.add_error(line, column, f"Élève ELEVE_ID {ref} : {message}")

    if not eleve_id:
        error("ELEVE_ID", "identifiant SIECLE (ELEVE_ID) manquant.")
    elif eleve_id in seen_ids:
        error("ELEVE_ID", "présent deux fois dans le fichier.")
    seen_ids[eleve_id] = line
    ine = normalize_ine(_text(element, "ID_NATIONAL"))
    if ine:
        if not is_ine(ine):
            error("ID_NATIONAL", f"INE « {ine} » invalide (11 caractères attendus).")
        elif ine in seen_ines:
            error("ID_NATIONAL", f"INE {ine} déjà porté par l'élève ELEVE_ID {seen_ines[ine]}.")
        seen_ines[ine] = eleve_id
    last_name = _text(element, "NOM_DE_FAMILLE") or _text(element, "NOM")
    first_name = _text(element, "PRENOM")
    for column, value, label in (
        ("NOM_DE_FAMILLE", last_name, "nom"),
        ("PRENOM", first_name, "prénom"),
    ):
        if not value:
            error(column, f"{label} manquant.")
        elif len(value) > 100:
            error(column, f"{label} trop long (100 caractères au plus).")
    birth_date = _date(element, "DATE_NAISS", error, required=True)
    if birth_date and (birth_date >= today or birth_date.year < 1900):
        error("DATE_NAISS", f"date de naissance {birth_date:%d/%m/%Y} impossible.")
    sex = SEXES.get(_text(element, "CODE_SEXE"))
    if sex is None:
        error("CODE_SEXE", f"sexe « {_text(element, 'CODE_SEXE')} » inconnu (1 ou 2 attendu).")
    entry_date = _date(element, "DATE_ENTREE", error)
    exit_date = _date(element, "DATE_SORTIE", error)
    motif = _text(element, "CODE_MOTIF_SORTIE")
    if exit_date and entry_date and exit_date < entry_date:
        error("DATE_SORTIE", "la date de sortie précède la date d'entrée.")
    if motif and not exit_date:
        error("DATE_SORTIE", "motif de sortie sans date de sortie.")
    mef = _text(element, "CODE_MEF")
    if len(mef) > 11:
        error("CODE_MEF", f"code MEF « {mef} » trop long.")
    email = _text(element, "MEL")
    if report.error_count > errors_before:
        return None
    return SieclePupil(
        line=line,
        eleve_id=eleve_id,
        ine=ine,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=sex,
        mef=mef,
        level=level_of(mef, formations),
        division=divisions.get(eleve_id, "")[:30],
        entry_date=entry_date,
        exit_date=exit_date,
        motif_code=motif[:3],
        apprentice=_text(element, "CODE_STATUT") == "AP",
        email=email if len(email) <= 254 and "@" in email else "",
        phone=_text(element, "TEL_PORTABLE")[:30],
    )


def _date(element, tag, error, *, required=False):
    raw = _text(element, tag)
    if not raw:
        if required:
            error(tag, "date manquante.")
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        error(tag, f"{exc}.")
        return None


@dataclass(slots=True)
class SiecleRepresentative:
    eleve_id: str
    person_id: str
    last_name: str
    first_name: str
    civility: str
    relationship_code: str
    level: int
    priority: bool
    phone: str
    email: str
    address: str


@dataclass
class _People:
    persons: dict = field(default_factory=dict)
    links: list = field(default_factory=list)
    addresses: dict = field(default_factory=dict)


def iter_representatives(stream, *, report) -> Iterator[SiecleRepresentative]:
    """Every (pupil, person) link with the person's details and address, one by one in the
    file's order. The persons and their addresses come in separate sections of the file, so
    they are read whole first (a few short strings each); the links are then completed as
    they are yielded."""
    people = _People()
    for _, element in _events(stream):
        tag = element.tag
        if tag == "PERSONNE":
            people.persons[element.get("PERSONNE_ID", "")] = (
                _text(element, "NOM_DE_FAMILLE") or _text(element, "NOM"),
                _text(element, "PRENOM"),
                _text(element, "LC_CIVILITE"),
                _text(element, "TEL_PORTABLE") or _text(element, "TEL_PERSONNEL"),
                _text(element, "MEL"),
                _text(element, "ADRESSE_ID"),
            )
            element.clear()
        elif tag == "RESPONSABLE_ELEVE":
            people.links.append(
                (
                    _text(element, "ELEVE_ID"),
                    _text(element, "PERSONNE_ID"),
                    _text(element, "NIVEAU_RESPONSABILITE")
                    or {"1": "1", "2": "1"}.get(_text(element, "RESP_LEGAL"), "3"),
                    _text(element, "CODE_PARENTE"),
                    _text(element, "A_CONTACTER_EN_PRIORITE").lower() in ("1", "true", "oui", "o"),
                )
            )
            element.clear()
        elif tag == "ADRESSE":
            parts = [_text(element, f"LIGNE{n}_ADRESSE") for n in range(1, 5)]
            city = " ".join(
                p for p in (_text(element, "CODE_POSTAL"), _text(element, "LIBELLE_POSTAL")) if p
            )
            people.addresses[element.get("ADRESSE_ID", "")] = ", ".join(
                p for p in [*parts, city] if p
            )
            element.clear()
    links, people.links = people.links, []
    links.reverse()  # popped from the end, so each link is let go once yielded
    number = 0
    while links:
        eleve_id, person_id, level, code, priority = links.pop()
        number += 1
        person = people.persons.get(person_id)
        if person is None:
            report.add_error(
                number,
                "PERSONNE_ID",
                f"Lien responsable n° {number} : personne {person_id} absente du fichier.",
            )
            continue
        last_name, first_name, civility, phone, email, address_id = person
        if not last_name:
            report.add_error(number, "NOM_DE_FAMILLE", f"Personne {person_id} sans nom.")
            continue
        yield SiecleRepresentative(
            eleve_id=eleve_id,
            person_id=person_id,
            last_name=last_name[:100],
            first_name=first_name[:100],
            civility=civility,
            relationship_code=code[:3],
            level=int(level) if level in ("1", "2", "3") else 3,
            priority=priority,
            phone=phone[:30],
            email=email if "@" in email and len(email) <= 254 else "",
            address=people.addresses.get(address_id, "")[:250],
        )
