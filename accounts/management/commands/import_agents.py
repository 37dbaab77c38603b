"""Open the accounts of a list of agents from a CSV file (one agent and one role a line)."""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.enums import Role
from accounts.services import create_agent, resolve_structure

COLUMNS = ["email", "prenom", "nom", "role", "structure"]
ROLE_BY_NAME = {**{r.value: r.value for r in Role}, **{r.label.lower(): r.value for r in Role}}


def read_rows(raw: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    )
    reader = csv.DictReader(
        io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")), delimiter=delimiter
    )
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CommandError(
            f"Colonnes manquantes : {', '.join(missing)}. Attendu : {';'.join(COLUMNS)}."
        )
    reader.fieldnames = header
    yield from enumerate(reader, start=2)


class Command(BaseCommand):
    help = (
        "Ouvre les comptes d'une liste d'agents (CSV : email;prenom;nom;role;structure). "
        "Les agents se connectent ensuite avec ProConnect, à cette adresse."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier CSV (UTF-8 ou Windows-1252, ; ou ,).")
        parser.add_argument(
            "--academie", help="Code de l'académie : toute structure hors d'elle est refusée."
        )
        parser.add_argument("--dry-run", action="store_true", help="Vérifie sans rien enregistrer.")

    def handle(self, *args, fichier, academie, dry_run, **options):
        from territories.models import Academie

        academie_obj = None
        if academie:
            academie_obj = Academie.objects.filter(code__iexact=academie).first()
            if academie_obj is None:
                raise CommandError(f"Académie inconnue : {academie}.")
        try:
            with open(fichier, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {fichier} : {exc.strerror}.") from exc
        errors, created, completed = [], 0, 0
        with transaction.atomic():
            for line, row in read_rows(raw):
                try:
                    email = (row.get("email") or "").strip().lower()
                    validate_email(email)
                    role = ROLE_BY_NAME.get((row.get("role") or "").strip().lower())
                    if role is None:
                        raise ValidationError(f"rôle inconnu « {(row.get('role') or '')[:40]} »")
                    structure = resolve_structure(
                        role=role,
                        code=row.get("structure") or "",
                        academie_ids=[academie_obj.pk] if academie_obj else None,
                    )
                    with transaction.atomic():
                        _, is_new = create_agent(
                            email=email,
                            first_name=row.get("prenom") or "",
                            last_name=row.get("nom") or "",
                            role=role,
                            structure=structure,
                            academie=academie_obj or _academie_of(structure),
                        )
                except ValidationError as exc:
                    errors.append(f"ligne {line} : {' '.join(exc.messages)}")
                    continue
                created += is_new
                completed += not is_new
            if dry_run:
                transaction.set_rollback(True)
        for error in errors:
            self.stderr.write(error)
        verb = "seraient" if dry_run else "ont été"
        self.stdout.write(
            f"{created} compte(s) {verb} ouverts, {completed} complété(s) d'un rôle, "
            f"{len(errors)} ligne(s) refusée(s)."
        )


def _academie_of(structure):
    from territories.models import Academie, Bassin, Departement, Etablissement

    if isinstance(structure, Academie):
        return structure
    if isinstance(structure, Departement):
        return structure.academie
    if isinstance(structure, Etablissement | Bassin):
        return structure.departement.academie
    return structure.head_school.departement.academie
