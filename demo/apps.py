from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demonstration académie (`load_demo`): it sits above every app and none imports it."""

    name = "demo"
    verbose_name = "Démonstration"
