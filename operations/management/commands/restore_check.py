from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backups import BackupError, latest_dump, restore_check


class Command(BaseCommand):
    help = (
        "Restaure la dernière sauvegarde dans une base de contrôle, lance migrate --check et "
        "compare le nombre de lignes de chaque table avec le manifeste."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BACKUP_DIR), help="Répertoire.")
        parser.add_argument("--dump", help="Fichier à contrôler (défaut : le plus récent).")
        parser.add_argument("--scratch-db", help="Base de contrôle (défaut : <base>_restore).")
        parser.add_argument("--keep-scratch", action="store_true", help="Garder la base.")

    def handle(self, *args, **options):
        scratch = options["scratch_db"] or f"{connection.settings_dict['NAME']}_restore"
        try:
            dump = Path(options["dump"]) if options["dump"] else latest_dump(Path(options["dir"]))
            report = restore_check(dump=dump, scratch=scratch, keep_scratch=options["keep_scratch"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            raise CommandError(
                f"Contrôle de {dump.name} en échec :\n" + "\n".join(report.mismatches)
            )
        self.stdout.write(
            f"Contrôle réussi : {dump.name} restaurée dans {scratch}, migrations à jour, "
            f"{report.tables} tables et {report.rows} lignes identiques au manifeste."
        )
