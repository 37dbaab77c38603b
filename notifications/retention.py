"""A pupil with a deadline in the retention window keeps their record (audit.retention)."""

import datetime as dt

from django.db.models import Exists, OuterRef

from audit.retention import PersonalData, register

from .models import Deadline


def in_use(limit: dt.date) -> Exists:
    return Exists(Deadline.objects.filter(student=OuterRef("pk"), due_date__gte=limit))


register(PersonalData(app="notifications", in_use=in_use))
