from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "prevention"
    verbose_name = "Prévention en établissement"
