from django.apps import AppConfig


class FoqualeConfig(AppConfig):
    name = "foquale"
    verbose_name = "Réseaux FoQualE"
