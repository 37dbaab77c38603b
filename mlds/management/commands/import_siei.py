from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territories.models import Departement

from ...siei import SieiImportError, import_siei


class Command(BaseCommand):
    help = "Importe une liste SIEI / RIO (CSV) : ouvre un suivi MLDS par jeune non encore suivi."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--departement",
            help="Code du département (077…), obligatoire si plusieurs départements existent.",
        )

    def handle(self, *args, file: Path, departement=None, **options):
        if not file.exists():
            raise CommandError(f"Fichier introuvable : {file}")
        if departement:
            dep = Departement.objects.filter(code=departement).first()
            if dep is None:
                raise CommandError(f"Département inconnu : {departement}")
        else:
            deps = list(Departement.objects.all()[:2])
            if len(deps) != 1:
                raise CommandError("Précisez --departement (plusieurs départements connus).")
            dep = deps[0]
        try:
            batch = import_siei(
                raw=file.read_bytes(), departement=dep, by=None, file_name=file.name
            )
        except SieiImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError("Liste refusée : rien n'a été importé.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{batch.row_count} lignes : {batch.created_follow_ups} suivis ouverts, "
                f"{batch.already_followed} déjà suivis, {batch.created_students} jeunes créés, "
                f"{batch.duplicate_rows} doublons dans le fichier (profil de colonnes "
                f"« {batch.profile} »)."
            )
        )
