from django.apps import AppConfig


class MldsConfig(AppConfig):
    name = "mlds"
    verbose_name = "MLDS"
