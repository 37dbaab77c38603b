"""Report clients of the REST API (rectorat BI, partner systems): a key tied to a territory
and to rights, acting through a scope object shaped like accounts.RoleAssignment."""

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.enums import ScopeLevel
from accounts.scope import StructureScope

from .enums import ClientRights

API_CLIENT_ROLE = "client_api"
KEY_PREFIX_BYTES = 4


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits: a fast hash is enough (no dictionary to fear).
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the administrator manages report clients, within the académie."""
        role = getattr(user, "active_role", None)
        if role is None or role.role != "administrateur":
            return self.none()
        return self.filter(
            Q(academie_id=role.academie_id)
            | Q(departement__academie_id=role.academie_id)
            | Q(bassin__departement__academie_id=role.academie_id)
            | Q(etablissement__departement__academie_id=role.academie_id)
            | Q(network__departements__academie_id=role.academie_id)
        ).distinct()


class ApiClient(models.Model):
    """A report client. Its key is shown once at creation; only a hash is stored.

    Exactly one territory is set; it is the client's scope, like a staff role's structure.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom du client", max_length=150)
    contact_email = models.EmailField("courriel du responsable", blank=True)
    rights = models.CharField(
        "droits", max_length=20, choices=ClientRights.choices, default=ClientRights.AGGREGATES
    )
    academie = models.ForeignKey(
        "territories.Academie", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="académie",
    )  # fmt: skip
    departement = models.ForeignKey(
        "territories.Departement", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="département",
    )  # fmt: skip
    bassin = models.ForeignKey(
        "territories.Bassin", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="bassin",
    )  # fmt: skip
    network = models.ForeignKey(
        "territories.Network", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="réseau FoQualE",
    )  # fmt: skip
    etablissement = models.ForeignKey(
        "territories.Etablissement", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="établissement",
    )  # fmt: skip
    # Reads are traced in audit.AccessLog, which points at an account: each client has its
    # own inactive account (no password, no login), also the identity used for throttling.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client",
        verbose_name="compte technique", editable=False,
    )  # fmt: skip
    key_prefix = models.CharField("préfixe de la clé", max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    throttle_rate = models.CharField(
        "débit maximal", max_length=20, blank=True,
        help_text="Syntaxe « 1000/hour » ; vide : débit par défaut.",
    )  # fmt: skip
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="créé par",
    )  # fmt: skip
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = "client de l'API"
        verbose_name_plural = "clients de l'API"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="api_client_has_exactly_one_territory",
                violation_error_message="Choisissez exactement un territoire pour ce client.",
                condition=(
                    Q(
                        academie__isnull=False,
                        departement__isnull=True,
                        bassin__isnull=True,
                        network__isnull=True,
                        etablissement__isnull=True,
                    )
                    | Q(
                        academie__isnull=True,
                        departement__isnull=False,
                        bassin__isnull=True,
                        network__isnull=True,
                        etablissement__isnull=True,
                    )
                    | Q(
                        academie__isnull=True,
                        departement__isnull=True,
                        bassin__isnull=False,
                        network__isnull=True,
                        etablissement__isnull=True,
                    )
                    | Q(
                        academie__isnull=True,
                        departement__isnull=True,
                        bassin__isnull=True,
                        network__isnull=False,
                        etablissement__isnull=True,
                    )
                    | Q(
                        academie__isnull=True,
                        departement__isnull=True,
                        bassin__isnull=True,
                        network__isnull=True,
                        etablissement__isnull=False,
                    )
                ),
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def new_key() -> tuple[str, str, str]:
        """(full key, prefix, hash). The full key is `prefix.secret`."""
        prefix = secrets.token_hex(KEY_PREFIX_BYTES)
        secret = secrets.token_urlsafe(32)
        return f"{prefix}.{secret}", prefix, hash_secret(secret)

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_secret(secret))

    @property
    def territory(self):
        return (
            self.etablissement or self.bassin or self.network or self.departement or self.academie
        )

    @property
    def scope(self) -> "ApiClientScope":
        return ApiClientScope(self)


class ApiClientScope(StructureScope):
    """Duck-types accounts.RoleAssignment, so `visible_to(user)` QuerySets and HasScopedRole
    treat a report client like a staff role over the same territory."""

    role = API_CLIENT_ROLE

    def __init__(self, client: ApiClient):
        self.client = client
        self.id = None
        for name in ("etablissement", "bassin", "network", "departement", "academie"):
            setattr(self, name, getattr(client, name))
            setattr(self, f"{name}_id", getattr(client, f"{name}_id"))

    def __str__(self):
        return f"Client de l'API « {self.client.name} » — {self.structure}"

    def get_role_display(self) -> str:
        return "Client de l'API"

    @property
    def scope_level(self) -> str:
        if self.etablissement_id:
            return ScopeLevel.ETABLISSEMENT
        if self.bassin_id:
            return ScopeLevel.BASSIN
        if self.network_id:
            return ScopeLevel.RESEAU
        if self.departement_id:
            return ScopeLevel.DEPARTEMENT
        return ScopeLevel.ACADEMIE

    @property
    def structure(self):
        return self.client.territory

    @property
    def structure_label(self) -> str:
        return str(self.structure)

    @property
    def is_nominative(self) -> bool:
        return self.client.rights != ClientRights.AGGREGATES

    @property
    def can_write(self) -> bool:
        return self.client.rights == ClientRights.READ_WRITE

    def has_role(self, *roles) -> bool:
        return self.role in roles

    def school_q(self, prefix: str = "") -> Q:
        return self.structure_q(prefix)


class DropoutCell(models.Model):
    """The dropout indicator precomputed at its finest grain (school × voie × level × school
    year): dashboards and the report API sum these rows instead of reading every enrolment.
    Kept current by `reports.summary.refresh_dropouts` (periodic task, incremental, and on
    demand); the live computation over the enrolments stays the reference."""

    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="établissement",
        db_index=False,  # the unique (school, school_year, voie, level) index serves it
    )
    school_year = models.PositiveSmallIntegerField("année scolaire")
    voie = models.CharField("voie", max_length=20, blank=True)
    level = models.CharField("niveau", max_length=10, blank=True)
    effectif = models.PositiveIntegerField("effectif")
    decrocheurs = models.PositiveIntegerField("décrocheurs")

    class Meta:
        verbose_name = "cellule du décrochage (précalculée)"
        verbose_name_plural = "cellules du décrochage (précalculées)"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "voie", "level"], name="dropout_cell_unique"
            ),
            models.CheckConstraint(
                condition=Q(decrocheurs__lte=models.F("effectif")),
                name="dropout_cell_dropouts_within_headcount",
            ),
        ]

    def __str__(self):
        return f"{self.school_id} {self.school_year} {self.voie} {self.level}"


class IndicatorRefresh(models.Model):
    """When a family's precomputed figures were last brought up to date, and the cells its
    secondary suppression masks (keys `measure|level|code|voie|niveau|annee`, `*` = all)."""

    family = models.CharField("indicateur", max_length=40, unique=True)
    refreshed_at = models.DateTimeField("chiffres au")
    full = models.BooleanField("recalcul complet", default=True)
    cells_rewritten = models.PositiveIntegerField("cellules recalculées", default=0)
    duration_ms = models.PositiveIntegerField("durée (ms)", default=0)
    secondary_masks = models.JSONField("masquage secondaire", default=list, blank=True)

    class Meta:
        verbose_name = "mise à jour d'un indicateur"
        verbose_name_plural = "mises à jour des indicateurs"

    def __str__(self):
        return f"{self.family} au {self.refreshed_at:%d/%m/%Y %H:%M}"
