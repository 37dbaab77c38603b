"""Staff accounts, their roles and the scope each role gives (deny by default)."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from .enums import AGGREGATE_ONLY_ROLES, ROLE_SCOPE_LEVEL, Role
from .scope import StructureScope


class User(AbstractUser):
    class Meta:
        verbose_name = "compte"
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> list["RoleAssignment"]:
        return list(
            self.role_assignments.select_related(
                "etablissement", "bassin", "departement", "network", "academie"
            ).order_by("-is_default", "id")
        )

    @property
    def active_role(self) -> "RoleAssignment | None":
        """The role chosen in the header (set by the middleware), else the default one."""
        if hasattr(self, "_active_role"):
            return self._active_role
        roles = self.roles if self.is_authenticated else []
        return roles[0] if roles else None

    @active_role.setter
    def active_role(self, value):
        self._active_role = value

    @cached_property
    def exceptional_school_ids(self) -> list[int]:
        """Schools opened to this account by a running exceptional access ("bris de glace")."""
        from django.utils import timezone

        if not self.is_authenticated or self.pk is None:
            return []
        return list(
            self.exceptional_accesses.filter(
                expires_at__gt=timezone.now(), revoked_at__isnull=True
            ).values_list("etablissement_id", flat=True)
        )

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or any(r.role == Role.ADMINISTRATEUR for r in self.roles)


class RoleAssignment(StructureScope, models.Model):
    """One role held by a person over one structure; the structure decides the scope."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="compte"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    etablissement = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="établissement",
    )
    bassin = models.ForeignKey(
        "territories.Bassin",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="bassin (CIO)",
    )
    network = models.ForeignKey(
        "foquale.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="réseau FoQualE",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="département",
    )
    academie = models.ForeignKey(
        "territories.Academie",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name="académie",
    )
    is_default = models.BooleanField("rôle par défaut", default=False)

    class Meta:
        verbose_name = "rôle"
        constraints = [
            models.CheckConstraint(
                name="role_has_exactly_its_structure",
                condition=(
                    Q(
                        role__in=[Role.CHEF_ETABLISSEMENT, Role.REFERENT_DECROCHAGE],
                        etablissement__isnull=False,
                        bassin__isnull=True,
                        network__isnull=True,
                        departement__isnull=True,
                        academie__isnull=True,
                    )
                    | Q(
                        role=Role.DIRECTEUR_CIO,
                        etablissement__isnull=True,
                        bassin__isnull=False,
                        network__isnull=True,
                        departement__isnull=True,
                        academie__isnull=True,
                    )
                    | Q(
                        role=Role.RESPONSABLE_FOQUALE,
                        etablissement__isnull=True,
                        bassin__isnull=True,
                        network__isnull=False,
                        departement__isnull=True,
                        academie__isnull=True,
                    )
                    | Q(
                        role__in=[
                            Role.MEMBRE_COMMISSION,
                            Role.IEN_IO,
                            Role.IA_DASEN,
                            Role.COORDONNATEUR_MLDS,
                        ],
                        etablissement__isnull=True,
                        bassin__isnull=True,
                        network__isnull=True,
                        departement__isnull=False,
                        academie__isnull=True,
                    )
                    | Q(
                        role__in=[Role.PILOTE_ACADEMIQUE, Role.ADMINISTRATEUR],
                        etablissement__isnull=True,
                        bassin__isnull=True,
                        network__isnull=True,
                        departement__isnull=True,
                        academie__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=[
                    "user",
                    "role",
                    "etablissement",
                    "bassin",
                    "network",
                    "departement",
                    "academie",
                ],
                name="role_assignment_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} — {self.structure}"

    @property
    def scope_level(self) -> str:
        return ROLE_SCOPE_LEVEL[Role(self.role)]

    @property
    def structure(self):
        return (
            self.etablissement or self.bassin or self.network or self.departement or self.academie
        )

    @property
    def structure_label(self) -> str:
        if self.bassin_id:
            return f"CIO du bassin {self.bassin.name}"
        return str(self.structure)

    @property
    def is_nominative(self) -> bool:
        """False for aggregate-only roles: they never see a named pupil."""
        return self.role not in AGGREGATE_ONLY_ROLES

    def has_role(self, *roles) -> bool:
        return self.role in roles

    def school_q(self, prefix: str = "") -> Q:
        """Q over Etablissement rows (through `prefix`) that this role covers.

        A running exceptional access of the account adds its school, for nominative roles only.
        """
        q = self.structure_q(prefix)
        if self.is_nominative and self.user_id:
            extra = self.user.exceptional_school_ids
            if extra:
                q |= Q(**{f"{prefix}id__in": extra})
        return q


class ExceptionalAccess(models.Model):
    """Temporary, justified access to one school outside the account's scope ("bris de glace").

    Time-boxed by a database constraint, never silent: each grant is listed for the
    administrators and every read made with it is in the access log like any other.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="exceptional_accesses", verbose_name="compte"
    )
    role_label = models.CharField("rôle au moment de la demande", max_length=200)
    etablissement = models.ForeignKey(
        "territories.Etablissement", on_delete=models.CASCADE, verbose_name="établissement"
    )
    reason = models.TextField("justification")
    granted_at = models.DateTimeField("ouvert le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("clos le", null=True, blank=True)

    class Meta:
        verbose_name = "accès exceptionnel"
        verbose_name_plural = "accès exceptionnels"
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="exceptional_access_expires_after_grant",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.etablissement} jusqu'au {self.expires_at:%d/%m/%Y %H:%M}"
