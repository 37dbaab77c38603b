from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territories.models import Etablissement

from ...imports import ImportRejected, import_absences


class Command(BaseCommand):
    help = (
        "Importe les absences mensuelles (CSV : ine ; mois ; demi_journees_absence ; "
        "dont_non_justifiees [; incidents ; moyenne_trimestre ; demi_journees_attendues]) "
        "puis recalcule les signaux. Tout ou rien ; réimporter un mois le remplace."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV")
        parser.add_argument(
            "--uai", action="append", default=[], help="Limiter aux élèves de cet établissement"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        school_ids = None
        if options["uai"]:
            uais = [u.strip().upper() for u in options["uai"]]
            found = dict(Etablissement.objects.filter(uai__in=uais).values_list("uai", "id"))
            unknown = sorted(set(uais) - set(found))
            if unknown:
                raise CommandError("UAI inconnue(s) : " + ", ".join(unknown))
            school_ids = list(found.values())
        try:
            result = import_absences(path.read_bytes(), school_ids=school_ids)
        except ImportRejected as exc:
            for error in exc.errors[:200]:
                self.stderr.write(error)
            if len(exc.errors) > 200:
                self.stderr.write(f"… et {len(exc.errors) - 200} autres erreurs.")
            raise CommandError(
                f"Import refusé : {len(exc.errors)} erreur(s), aucune ligne enregistrée."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} ligne(s) importée(s) : {result.created} nouvelle(s), "
                f"{result.updated} remplacée(s) ; {result.flags} signal(aux) actif(s) dans "
                f"{len(result.schools)} établissement(s) (profil de colonnes "
                f"« {result.profile} »)."
            )
        )
