from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dossiers.importer import import_results


class Command(BaseCommand):
    help = (
        "Importe les résultats d'examen (CSV de type Cyclades) pour toute l'académie et ouvre "
        "un dossier de re-préparation pour chaque élève ajourné. Tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            report = import_results(file.read_bytes())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Fichier refusé : {len(report.errors)} ligne(s) en erreur, rien n'a été "
                "enregistré."
            )
        self.stdout.write(self.style.SUCCESS(f"Import réussi : {report.summary}"))
