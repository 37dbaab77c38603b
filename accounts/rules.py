"""Exceptional access ("bris de glace") limits. Local policy, to validate with the DPO."""

import datetime as dt

from django.conf import settings

EXCEPTIONAL_ACCESS_MAX_DURATION = dt.timedelta(
    hours=getattr(settings, "EXCEPTIONAL_ACCESS_MAX_HOURS", 72)
)
EXCEPTIONAL_ACCESS_DEFAULT_DURATION = dt.timedelta(hours=24)
EXCEPTIONAL_ACCESS_MIN_REASON_LENGTH = 30
