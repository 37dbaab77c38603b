from django.core.management.base import BaseCommand

from reports.summary import refresh_dropouts


class Command(BaseCommand):
    help = (
        "Met à jour les indicateurs précalculés (tableaux de bord, API de rapports) : "
        "incrémental par défaut, --complet pour tout recalculer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--complet", action="store_true", help="Recalcul complet.")

    def handle(self, *args, complet=False, **options):
        refresh = refresh_dropouts(full=complet)
        kind = "complet" if refresh.full else "incrémental"
        self.stdout.write(
            f"Indicateurs au {refresh.refreshed_at:%d/%m/%Y %H:%M} ({kind}) : "
            f"{refresh.cells_rewritten} cellules recalculées, "
            f"{len(refresh.secondary_masks)} masquages secondaires, "
            f"{refresh.duration_ms} ms."
        )
