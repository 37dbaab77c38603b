"""Import the pupil export of the whole académie (every known school), from the command line."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from students.imports import import_pupils


class Command(BaseCommand):
    help = (
        "Importe un export élèves (CSV type SIECLE, UTF-8 ou Windows-1252, « ; » ou « , ») pour "
        "toute l'académie. Tout ou rien : un fichier avec une erreur n'enregistre rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier CSV.")
        parser.add_argument(
            "--school-year",
            type=int,
            default=None,
            help="Année de la rentrée des inscriptions (2025 pour 2025-2026 ; défaut : en cours).",
        )
        parser.add_argument(
            "--user", default=None, help="Identifiant du compte à qui attribuer les changements."
        )

    def handle(self, *args, file, school_year, user, **options):
        account = None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"Compte « {user} » inconnu.")
        started = time.monotonic()

        def progress(phase, done):
            label = "vérifiées" if phase == "validation" else "enregistrées"
            self.stdout.write(f"  {done} lignes {label}…")

        try:
            stream = open(file, "rb")  # noqa: SIM115 (closed below, after both passes)
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        with stream:
            report = import_pupils(
                stream=stream,
                user=account,
                school_year=school_year,
                progress=progress,
                source_name=os.path.basename(file),
            )
        elapsed = time.monotonic() - started
        if report.is_rejected:
            for error in report.errors:
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"Ligne {error.line}{column} : {error.message}")
            if report.error_count > len(report.errors):
                self.stderr.write(f"… et {report.error_count - len(report.errors)} autre(s).")
            raise CommandError(
                f"Fichier refusé : {report.error_count} erreur(s) sur {report.rows} ligne(s). "
                "Rien n'a été enregistré."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} ligne(s) importée(s) en {elapsed:.1f} s "
                f"({report.encoding}, séparateur « {report.delimiter} ») : {report.created} "
                f"élève(s) créé(s), {report.updated} mis à jour, {report.unchanged} inchangé(s)."
            )
        )
