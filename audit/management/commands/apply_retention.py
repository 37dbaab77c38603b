from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_date

from audit.retention import apply_retention


class Command(BaseCommand):
    help = "Avertit puis anonymise les fiches inactives depuis la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Date du traitement (AAAA-MM-JJ), aujourd'hui par défaut"
        )
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien modifier")

    def handle(self, *args, date=None, dry_run=False, **options):
        today = parse_date(date) if date else timezone.localdate()
        report = apply_retention(today=today, now=timezone.now(), dry_run=dry_run)
        self.stdout.write(
            f"{report.warned} fiche(s) avertie(s), {report.anonymised} anonymisée(s), "
            f"{report.withdrawn} avertissement(s) levé(s) (activité reprise)"
            + (" — simulation, rien n'a été modifié." if dry_run else ".")
        )
