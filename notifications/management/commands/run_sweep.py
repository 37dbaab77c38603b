import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import services


class Command(BaseCommand):
    help = (
        "Balaye les échéances (âges, rappels, escalades) puis envoie les synthèses du jour, "
        "dans ce processus (sans courtier). Idempotent : le relancer n'envoie rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour à balayer (AAAA-MM-JJ), aujourd'hui par défaut.")
        parser.add_argument(
            "--no-email", action="store_true", help="Créer les rappels sans envoyer de courriel."
        )

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError("Date invalide : utilisez le format AAAA-MM-JJ.") from None
        day = day or timezone.localdate()
        result = services.run_daily_sweep(today=day)
        self.stdout.write(
            f"Balayage du {day:%d/%m/%Y} : {result.due_deadlines} échéance(s) à rappeler, "
            f"{result.reminders_created} rappel(s) créé(s), "
            f"{result.age_deadlines_created} échéance(s) d'âge ajoutée(s)."
        )
        if options["no_email"]:
            return
        outcomes = services.send_digests(today=day)
        self.stdout.write(
            "Synthèses : "
            + (", ".join(f"{k} = {v}" for k, v in sorted(outcomes.items())) or "aucune à envoyer")
            + "."
        )
