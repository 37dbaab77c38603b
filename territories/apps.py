from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = "Territoires et structures"
