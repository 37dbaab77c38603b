# The fixtures of the apps whose workflows are exercised here.
from tests.dossiers.conftest import dossier, frozen, on_day  # noqa: F401
from tests.mlds.conftest import frozen_today, make_follow_up  # noqa: F401
from tests.mlds.test_ambition_emploi import calendar  # noqa: F401
