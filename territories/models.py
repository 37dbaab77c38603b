"""The administrative hierarchy of the Éducation nationale (domain.md §1.1)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .enums import PartnerKind, SchoolType, ScopeLevel, Voie
from .validators import normalize_uai, validate_uai


class RegionAcademique(models.Model):
    code = models.CharField("code", max_length=10, unique=True)
    name = models.CharField("nom", max_length=120)

    class Meta:
        verbose_name = "région académique"
        verbose_name_plural = "régions académiques"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Academie(models.Model):
    code = models.CharField("code", max_length=10, unique=True)
    name = models.CharField("nom", max_length=120)
    region = models.ForeignKey(
        RegionAcademique, on_delete=models.PROTECT, related_name="academies", verbose_name="région"
    )

    class Meta:
        verbose_name = "académie"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    """A DSDEN. `code` is the three-character prefix of its schools' UAI (077, 620 for 2A)."""

    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=120)
    academie = models.ForeignKey(
        Academie, on_delete=models.PROTECT, related_name="departements", verbose_name="académie"
    )

    class Meta:
        verbose_name = "département (DSDEN)"
        verbose_name_plural = "départements (DSDEN)"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Bassin(models.Model):
    code = models.CharField("code", max_length=20, unique=True)
    name = models.CharField("nom", max_length=120)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="bassins", verbose_name="département"
    )

    class Meta:
        verbose_name = "bassin d'éducation et de formation"
        verbose_name_plural = "bassins d'éducation et de formation"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CIO(models.Model):
    """A guidance centre; it covers the schools of its bassin."""

    uai = models.CharField("UAI", max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField("nom", max_length=160)
    commune = models.CharField("commune", max_length=120, blank=True)
    bassin = models.OneToOneField(
        Bassin, on_delete=models.PROTECT, related_name="cio", verbose_name="bassin"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "CIO"
        verbose_name_plural = "CIO"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.uai = normalize_uai(self.uai)
        super().save(*args, **kwargs)


class EtablissementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Schools inside the active role's scope; nothing without a role."""
        role = getattr(user, "active_role", None)
        if role is None:
            return self.none()
        return self.filter(role.school_q())


class Etablissement(models.Model):
    uai = models.CharField("UAI", max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField("nom", max_length=200)
    school_type = models.CharField("type", max_length=20, choices=SchoolType.choices)
    commune = models.CharField("commune", max_length=120)
    bassin = models.ForeignKey(
        Bassin, on_delete=models.PROTECT, related_name="etablissements", verbose_name="bassin"
    )
    # Denormalised from the bassin so that scope filters need no join.
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="etablissements",
        verbose_name="département",
    )
    voie_generale = models.BooleanField("voie générale", default=False)
    voie_technologique = models.BooleanField("voie technologique", default=False)
    voie_professionnelle = models.BooleanField("voie professionnelle", default=False)
    voie_apprentissage = models.BooleanField("apprentissage", default=False)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    history = HistoricalRecords()

    objects = EtablissementQuerySet.as_manager()

    class Meta:
        verbose_name = "établissement"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uai__regex=r"^[0-9]{7}[A-Z]$"), name="etablissement_uai_shape"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.uai})"

    def save(self, *args, **kwargs):
        self.uai = normalize_uai(self.uai)
        if self.bassin_id and not self.departement_id:
            self.departement_id = self.bassin.departement_id
        super().save(*args, **kwargs)

    @property
    def voies(self) -> list[str]:
        pairs = [
            (self.school_type == "college", Voie.COLLEGE),
            (self.voie_generale, Voie.GENERALE),
            (self.voie_technologique, Voie.TECHNOLOGIQUE),
            (self.voie_professionnelle, Voie.PROFESSIONNELLE),
            (self.voie_apprentissage, Voie.APPRENTISSAGE),
        ]
        return [voie for present, voie in pairs if present]

    @property
    def voies_display(self) -> str:
        return ", ".join(Voie(v).label for v in self.voies)


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The directory of the départements the active role reaches (no named pupil here)."""
        role = getattr(user, "active_role", None) if user is not None else None
        if role is None:
            return self.none()
        return self.filter(departement_id__in=role.departement_ids())

    def serving(self, departement_id):
        """The active structures a case of `departement_id` may work with: those of the
        département and those of the whole académie (no département)."""
        return self.filter(
            Q(departement_id=departement_id) | Q(departement__isnull=True), is_active=True
        )

    def find_or_create(self, *, departement_id, partner_type: str, name: str):
        """The directory's record named `name` (case and spaces ignored) for `departement_id`
        (or the whole académie), preferring one of the same type; created in the département
        when there is none. Returns (partner, created)."""
        name = " ".join(name.split())
        same = self.filter(
            Q(departement_id=departement_id) | Q(departement__isnull=True), name__iexact=name
        ).order_by(models.F("departement_id").asc(nulls_last=True), "pk")
        found = same.filter(partner_type=partner_type).first() or same.first()
        if found is not None:
            return found, False
        return self.create(
            departement_id=departement_id, partner_type=partner_type, name=name
        ), True


class Partner(models.Model):
    """A partner structure (mission locale, CFA, E2C, EPIDE, AFPA…): one directory for the PSAD
    of the MLDS, the FoQualE networks and the Tous droits ouverts paths."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    partner_type = models.CharField("type", max_length=30, choices=PartnerKind.choices)
    departement = models.ForeignKey(
        Departement,
        null=True,
        blank=True,
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

    objects = PartnerQuerySet.as_manager()

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


class NetworkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The network of a responsable FoQualE; elsewhere, the networks with a member
        school inside the role's scope."""
        role = getattr(user, "active_role", None) if user is not None else None
        if role is None:
            return self.none()
        if role.scope_level == ScopeLevel.RESEAU:
            return self.filter(pk=role.network_id)
        member_of = Network.schools.through.objects.filter(
            etablissement_id__in=Etablissement.objects.filter(role.school_q()).values("id")
        ).values("network_id")
        return self.filter(pk__in=member_of)


class Network(models.Model):
    """A réseau FoQualE: a perimeter of schools like a bassin, led by the chef d'établissement
    of its head school, who holds the role responsable FoQualE on it (accounts.RoleAssignment).
    Its offer and calls for projects live in the foquale app."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    departements = models.ManyToManyField(
        Departement, related_name="foquale_networks", verbose_name="départements"
    )
    head_school = models.ForeignKey(
        Etablissement,
        on_delete=models.PROTECT,
        related_name="headed_networks",
        verbose_name="établissement support",
    )
    schools = models.ManyToManyField(
        Etablissement,
        related_name="foquale_networks",
        verbose_name="établissements membres",
    )
    mlds_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="foquale_networks_coordinated",
        verbose_name="coordonnateur MLDS",
    )
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="networks", verbose_name="partenaires"
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = "réseau FoQualE"
        verbose_name_plural = "réseaux FoQualE"
        ordering = ["name"]

    def __str__(self):
        return self.name
