"""Import of the structures (région, académie, département, bassin, CIO, établissements) from
one CSV file, read by the shared `imports` toolkit (re-exported here for older callers).

The structures import validates every row, then writes everything in one transaction: a file
with one error changes nothing. Re-running it updates structures in place, found by code
(hierarchy) or by UAI (CIO, établissements). Columns are documented in docs/imports.md.
"""

import re
from dataclasses import dataclass, field

from imports.reports import (  # noqa: F401  (re-exported for the importers built on them)
    MAX_REPORTED_ERRORS,
    ImportReport,
    RowError,
    parse_date,
)
from imports.sources import (  # noqa: F401
    CsvSource,
    ImportFileError,
    detect_delimiter,
    detect_encoding,
    normalize_key,
)

# --- Structures --------------------------------------------------------------------------------

STRUCTURE_COLUMNS = (
    "TYPE_STRUCTURE",
    "UAI",
    "NOM",
    "TYPE_ETABLISSEMENT",
    "COMMUNE",
    "CODE_BASSIN",
    "NOM_BASSIN",
    "CODE_DEPARTEMENT",
    "NOM_DEPARTEMENT",
    "CODE_ACADEMIE",
    "NOM_ACADEMIE",
    "CODE_REGION",
    "NOM_REGION",
    "VOIES",
    "COURRIEL",
    "TELEPHONE",
    "ADRESSE",
)
REQUIRED_STRUCTURE_COLUMNS = STRUCTURE_COLUMNS[:13]
STRUCTURE_KINDS = {
    "ETABLISSEMENT": "etablissement",
    "ETAB": "etablissement",
    "EPLE": "etablissement",
    "CIO": "cio",
}
VOIE_FLAGS = {
    "G": "voie_generale",
    "GENERALE": "voie_generale",
    "T": "voie_technologique",
    "TECHNOLOGIQUE": "voie_technologique",
    "P": "voie_professionnelle",
    "PRO": "voie_professionnelle",
    "PROFESSIONNELLE": "voie_professionnelle",
    "A": "voie_apprentissage",
    "APPRENTISSAGE": "voie_apprentissage",
}
FLAG_FIELDS = sorted(set(VOIE_FLAGS.values()))
SCHOOL_FIELDS = ("name", "school_type", "commune", "bassin_id", "departement_id", *FLAG_FIELDS)
SCHOOL_CONTACT_FIELDS = {"COURRIEL": "email", "TELEPHONE": "phone", "ADRESSE": "address"}


def _school_type_lookup() -> dict[str, str]:
    from .enums import SchoolType

    lookup = {}
    for choice in SchoolType:
        lookup[normalize_key(choice.value)] = choice.value
        lookup[normalize_key(choice.label)] = choice.value
    lookup.update(
        {
            "LYCEE_GENERAL_ET_TECHNOLOGIQUE": SchoolType.LGT,
            "LEGT": SchoolType.LGT,
            "LYCEE_PROFESSIONNEL": SchoolType.LP,
            "LPO": SchoolType.LPO,
            "PRIVE_SOUS_CONTRAT": SchoolType.PRIVE_SOUS_CONTRAT,
            "LYCEE_AGRICOLE": SchoolType.AGRICOLE,
            "LEGTA": SchoolType.AGRICOLE,
        }
    )
    return lookup


@dataclass
class _Structures:
    """Everything a valid file says, keyed by code or UAI, ready to be written."""

    regions: dict = field(default_factory=dict)
    academies: dict = field(default_factory=dict)
    departements: dict = field(default_factory=dict)
    bassins: dict = field(default_factory=dict)
    cios: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)


def import_structures(*, stream, user=None) -> ImportReport:
    """Create or update the structures listed in the CSV `stream` (binary, seekable)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from .validators import normalize_uai, validate_uai

    report = ImportReport()
    found = _Structures()
    school_types = _school_type_lookup()
    try:
        source = CsvSource(stream)
        report.encoding, report.delimiter = source.encoding_label, source.delimiter
        rows = source.rows()
        _, header = next(rows)
        positions = {}
        for index, name in enumerate(header):
            key = normalize_key(name)
            if key in STRUCTURE_COLUMNS:
                positions[key] = index
        missing = [c for c in REQUIRED_STRUCTURE_COLUMNS if c not in positions]
        if missing:
            raise ImportFileError(
                "Colonne(s) obligatoire(s) absente(s) : "
                + ", ".join(missing)
                + ". En-têtes attendus : "
                + ";".join(STRUCTURE_COLUMNS)
                + "."
            )
        width = max(positions.values()) + 1
        for line, fields in rows:
            report.rows += 1
            if len(fields) < width:
                report.add_error(line, "", f"Ligne incomplète : {len(fields)} colonne(s).")
                continue

            def get(column, fields=fields):
                index = positions.get(column)
                return "" if index is None else " ".join(fields[index].split())

            def error(column, message, line=line):
                report.add_error(line, column, message)

            errors_before = report.error_count
            kind = STRUCTURE_KINDS.get(normalize_key(get("TYPE_STRUCTURE")))
            if kind is None:
                error("TYPE_STRUCTURE", "Type de structure inconnu : ETABLISSEMENT ou CIO attendu.")
            for column in REQUIRED_STRUCTURE_COLUMNS[1:]:
                if column != "TYPE_ETABLISSEMENT" and not get(column):
                    error(column, f"{column} manquant.")
            uai = normalize_uai(get("UAI"))
            if uai:
                try:
                    validate_uai(uai)
                except ValidationError as exc:
                    error("UAI", exc.messages[0])
                else:
                    dep_code = get("CODE_DEPARTEMENT").zfill(3)
                    if get("CODE_DEPARTEMENT") and uai[:3] != dep_code:
                        error(
                            "UAI",
                            f"UAI {uai} : ses trois premiers chiffres ({uai[:3]}) ne sont pas "
                            f"ceux du département {dep_code}.",
                        )
                    if uai in found.schools or uai in found.cios:
                        error("UAI", f"UAI {uai} en double dans le fichier.")
            school_type = None
            if kind == "etablissement":
                school_type = school_types.get(normalize_key(get("TYPE_ETABLISSEMENT")))
                if school_type is None:
                    error(
                        "TYPE_ETABLISSEMENT",
                        f"Type d'établissement « {get('TYPE_ETABLISSEMENT')} » inconnu : "
                        "college, lgt, lp, lpo, erea, cfa, prive ou agricole attendu.",
                    )
            flags = dict.fromkeys(FLAG_FIELDS, False)
            for part in re.split(r"[|,/+ ]+", get("VOIES")):
                if not part:
                    continue
                flag = VOIE_FLAGS.get(normalize_key(part))
                if flag is None:
                    error("VOIES", f"Voie « {part} » inconnue : G, T, P ou A attendu.")
                else:
                    flags[flag] = True
            email = get("COURRIEL")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    error("COURRIEL", f"Courriel « {email} » invalide.")
            for column, limit in (("NOM", 200), ("COMMUNE", 120), ("ADRESSE", 250)):
                if len(get(column)) > limit:
                    error(column, f"{column} trop long ({limit} caractères au plus).")

            # The hierarchy must say the same thing on every row.
            dep_code = get("CODE_DEPARTEMENT").zfill(3) if get("CODE_DEPARTEMENT") else ""
            hierarchy = [
                (found.regions, get("CODE_REGION"), (get("NOM_REGION"),), "CODE_REGION", "région"),
                (
                    found.academies,
                    get("CODE_ACADEMIE"),
                    (get("NOM_ACADEMIE"), get("CODE_REGION")),
                    "CODE_ACADEMIE",
                    "académie",
                ),
                (
                    found.departements,
                    dep_code,
                    (get("NOM_DEPARTEMENT"), get("CODE_ACADEMIE")),
                    "CODE_DEPARTEMENT",
                    "département",
                ),
                (
                    found.bassins,
                    get("CODE_BASSIN"),
                    (get("NOM_BASSIN"), dep_code),
                    "CODE_BASSIN",
                    "bassin",
                ),
            ]
            for registry, code, values, column, label in hierarchy:
                if not code:
                    continue
                known = registry.setdefault(code, (values, line))
                if known[0] != values:
                    error(
                        column,
                        f"Le {label} {code} est décrit autrement ligne {known[1]} "
                        f"(nom ou rattachement différent).",
                    )
            if kind == "cio" and get("CODE_BASSIN"):
                other = next(
                    (u for u, c in found.cios.items() if c["bassin"] == get("CODE_BASSIN")), None
                )
                if other:
                    error("CODE_BASSIN", f"Le bassin {get('CODE_BASSIN')} a déjà un CIO ({other}).")
            if report.error_count > errors_before:
                continue
            common = {
                "name": get("NOM"),
                "commune": get("COMMUNE"),
                "bassin": get("CODE_BASSIN"),
                "line": line,
            }
            if kind == "cio":
                found.cios[uai] = common
            else:
                contacts = {
                    attr: get(column)
                    for column, attr in SCHOOL_CONTACT_FIELDS.items()
                    if column in positions
                }
                found.schools[uai] = {
                    **common,
                    "school_type": school_type,
                    "departement": dep_code,
                    **flags,
                    **contacts,
                }
    except ImportFileError as exc:
        report.add_error(1, "", str(exc))
        return report
    if not report.error_count and report.rows == 0:
        report.add_error(2, "", "Le fichier ne contient aucune structure sous les en-têtes.")
    if report.is_rejected:
        return report
    _write_structures(found, report=report, user=user)
    return report


def _write_structures(found: _Structures, *, report: ImportReport, user) -> None:
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from .models import CIO, Academie, Bassin, Departement, Etablissement, RegionAcademique

    history = {"default_user": user, "default_change_reason": "Import des structures"}

    def upsert(model, code, **values):
        obj = model.objects.filter(code=code).first()
        if obj is None:
            return model.objects.create(code=code, **values)
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
        return obj

    with transaction.atomic():
        regions = {
            code: upsert(RegionAcademique, code, name=values[0])
            for code, (values, _) in found.regions.items()
        }
        academies = {
            code: upsert(Academie, code, name=name, region=regions[region])
            for code, ((name, region), _) in found.academies.items()
        }
        departements = {
            code: upsert(Departement, code, name=name, academie=academies[academie])
            for code, ((name, academie), _) in found.departements.items()
        }
        bassins = {
            code: upsert(Bassin, code, name=name, departement=departements[dep])
            for code, ((name, dep), _) in found.bassins.items()
        }

        existing_cios = {c.uai: c for c in CIO.objects.filter(uai__in=list(found.cios))}
        taken = dict(
            CIO.objects.filter(bassin__in=[bassins[c["bassin"]] for c in found.cios.values()])
            .exclude(uai__in=list(found.cios))
            .values_list("bassin_id", "uai")
        )
        conflicts = []
        new_cios, changed_cios = [], []
        for uai, data in found.cios.items():
            bassin = bassins[data["bassin"]]
            if bassin.id in taken:
                conflicts.append(
                    (data["line"], f"Le bassin {bassin.code} a déjà un CIO ({taken[bassin.id]}).")
                )
                continue
            values = {"name": data["name"], "commune": data["commune"], "bassin_id": bassin.id}
            cio = existing_cios.get(uai)
            if cio is None:
                new_cios.append(CIO(uai=uai, **values))
            elif any(getattr(cio, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(cio, name, value)
                changed_cios.append(cio)
        if conflicts:
            for line, message in conflicts:
                report.add_error(line, "CODE_BASSIN", message)
            transaction.set_rollback(True)
            return

        existing = {s.uai: s for s in Etablissement.objects.filter(uai__in=list(found.schools))}
        new_schools, changed_schools, fields = [], [], set(SCHOOL_FIELDS)
        for uai, data in found.schools.items():
            values = {
                "name": data["name"],
                "school_type": data["school_type"],
                "commune": data["commune"],
                "bassin_id": bassins[data["bassin"]].id,
                "departement_id": departements[data["departement"]].id,
                **{flag: data[flag] for flag in FLAG_FIELDS},
                **{attr: data[attr] for attr in SCHOOL_CONTACT_FIELDS.values() if attr in data},
            }
            fields |= set(values)
            school = existing.get(uai)
            if school is None:
                new_schools.append(Etablissement(uai=uai, **values))
            elif any(getattr(school, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(school, name, value)
                changed_schools.append(school)
        if new_cios:
            bulk_create_with_history(new_cios, CIO, **history)
        if changed_cios:
            bulk_update_with_history(changed_cios, CIO, ["name", "commune", "bassin_id"], **history)
        if new_schools:
            bulk_create_with_history(new_schools, Etablissement, batch_size=500, **history)
        if changed_schools:
            bulk_update_with_history(
                changed_schools, Etablissement, sorted(fields), batch_size=500, **history
            )
    report.created = len(new_cios) + len(new_schools)
    report.updated = len(changed_cios) + len(changed_schools)
    report.unchanged = len(found.cios) + len(found.schools) - report.created - report.updated
