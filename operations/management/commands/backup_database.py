from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base PostgreSQL (pg_dump) avec le manifeste du nombre de lignes."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BACKUP_DIR), help="Répertoire.")
        parser.add_argument(
            "--keep", type=int, default=settings.BACKUP_KEEP, help="Sauvegardes conservées."
        )

    def handle(self, *args, **options):
        try:
            target = backup(directory=Path(options["dir"]), keep=max(options["keep"], 1))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Sauvegarde écrite : {target}")
