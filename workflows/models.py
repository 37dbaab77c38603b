"""The one shape of a lifecycle log row, shared by every workflow's history table."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TransitionLog(models.Model):
    """One row per transition applied by `workflows.engine.Workflow.apply` (who, when, from,
    to, why). Concrete logs add the foreign key to their case and may narrow `to_state`'s
    choices."""

    action = models.CharField("action", max_length=40, blank=True)
    from_state = models.CharField("de", max_length=30, blank=True)
    to_state = models.CharField("vers", max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", default=timezone.now)
    comment = models.TextField("commentaire", blank=True)
    payload = models.JSONField("données", default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.from_state or '—'} → {self.to_state}"
