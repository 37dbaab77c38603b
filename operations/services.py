import datetime as dt

from django.utils import timezone

from . import conf
from .models import Heartbeat


def record_heartbeat(*, name: str = conf.BEAT_HEARTBEAT, now: dt.datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now or timezone.now()})
