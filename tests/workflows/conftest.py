from tests.dossiers.conftest import dossier, frozen, on_day  # noqa: F401
