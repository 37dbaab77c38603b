"""PSAD partner structures and MLDS PAQI sites of a département."""

import uuid

from django.db import models
from django.urls import reverse

from accounts.roles import MLDS_WRITE_ROLES, active_role

from ..enums import PartnerType
from .base import departement_q


class DepartementScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Directory of the départements the active role reaches (no named pupil here)."""
        role = active_role(user, nominative=True)
        if role is None:
            return self.none()
        return self.filter(departement_q(role))

    def writable_by(self, user):
        role = active_role(user, nominative=True)
        if role is None or role.role not in MLDS_WRITE_ROLES:
            return self.none()
        return self.filter(departement_q(role))


class Partner(models.Model):
    """A structure of the PSAD (mission locale, CFA, E2C, EPIDE…) taking young people in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    partner_type = models.CharField("type", max_length=30, choices=PartnerType.choices)
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="département",
    )
    psad = models.CharField(
        "PSAD",
        max_length=200,
        blank=True,
        help_text="Plate-forme de suivi et d'appui à laquelle la structure participe.",
    )
    territory = models.CharField(
        "territoire couvert", max_length=250, blank=True, help_text="Communes ou bassins couverts."
    )
    address = models.CharField("adresse", max_length=250, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DepartementScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "structure partenaire"
        verbose_name_plural = "structures partenaires"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "partner_type", "name"], name="mlds_partner_unique_name"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_partner_type_display()})"

    def get_absolute_url(self):
        return reverse("mlds:partner_detail", args=[self.public_id])


class PartnerContact(models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name="structure"
    )
    name = models.CharField("nom", max_length=150)
    function = models.CharField("fonction", max_length=150, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    class Meta:
        verbose_name = "contact"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


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
