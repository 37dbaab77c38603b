"""MLDS PAQI sites of a département (the PSAD partners are in the territories directory)."""

import uuid

from django.db import models

from accounts.roles import active_role

from .base import departement_q


class DepartementScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Directory of the départements the active role reaches (no named pupil here)."""
        role = active_role(user, nominative=True)
        if role is None:
            return self.none()
        return self.filter(departement_q(role))


class PaqiSite(models.Model):
    """A pôle d'accompagnement à la qualification et à l'insertion run by MLDS teachers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="département",
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="établissement support",
    )
    commune = models.CharField("commune", max_length=120, blank=True)

    objects = DepartementScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "site PAQI"
        verbose_name_plural = "sites PAQI"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "name"], name="mlds_paqi_unique_name")
        ]

    def __str__(self):
        return self.name
