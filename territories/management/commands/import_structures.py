"""Create or update régions, académies, départements, bassins, CIO and établissements."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from territories.imports import import_structures


class Command(BaseCommand):
    help = (
        "Importe les structures (région académique, académie, département, bassin, CIO, "
        "établissements) d'un fichier CSV. Relancer le même fichier met à jour sur place ; "
        "un fichier avec une erreur n'enregistre rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier CSV.")
        parser.add_argument("--user", default=None, help="Compte à qui attribuer les changements.")

    def handle(self, *args, file, user, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"Compte « {user} » inconnu.")
        try:
            stream = open(file, "rb")  # noqa: SIM115 (closed below, after both passes)
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        with stream:
            report = import_structures(stream=stream, user=account)
        if report.is_rejected:
            for error in report.errors:
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"Ligne {error.line}{column} : {error.message}")
            raise CommandError(
                f"Fichier refusé : {report.error_count} erreur(s). Rien n'a été enregistré."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} structure(s) lue(s) : {report.created} créée(s), "
                f"{report.updated} mise(s) à jour, {report.unchanged} inchangée(s)."
            )
        )
