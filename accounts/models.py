"""Staff accounts, their roles and the scope each role gives (deny by default)."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.roles import AGGREGATE_ONLY_ROLES

from .enums import ROLE_SCOPE_LEVEL, AccessCategory, AuthEventKind, AuthMethod, Role
from .scope import StructureScope


class UserQuerySet(models.QuerySet):
    def administered_by(self, admin):
        """Accounts an administrator manages: attached to one of their académies, or holding a
        role over a structure of it. Nobody else's (404)."""
        ids = admin.administered_academie_ids if admin.is_authenticated else []
        if not ids:
            return self.none()
        in_academie = (
            Q(etablissement__departement__academie_id__in=ids)
            | Q(bassin__departement__academie_id__in=ids)
            | Q(network__head_school__departement__academie_id__in=ids)
            | Q(departement__academie_id__in=ids)
            | Q(academie_id__in=ids)
        )
        roles = RoleAssignment.objects.filter(in_academie).values("user_id")
        return self.filter(Q(home_academie_id__in=ids) | Q(pk__in=roles))


class StaffUserManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True


class User(AbstractUser):
    """A staff account. ProConnect matches it on the professional e-mail (unique, any case)."""

    objects = StaffUserManager()

    last_login_method = models.CharField(
        "dernière connexion par", max_length=20, choices=AuthMethod.choices, blank=True
    )
    home_academie = models.ForeignKey(
        "territories.Academie",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="académie de rattachement",
        help_text="Académie dont les administrateurs gèrent ce compte.",
    )

    class Meta:
        verbose_name = "compte"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_unique_any_case",
                violation_error_message="Un autre compte utilise déjà cette adresse électronique.",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

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

    @property
    def administered_academie_ids(self) -> list[int]:
        return [r.academie_id for r in self.roles if r.role == Role.ADMINISTRATEUR]


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
        "territories.Network",
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

    def pupil_q(self) -> Q:
        """Pupils of the structure by school of record, plus those of a school opened by a
        running exceptional access (nominative roles only)."""
        q = super().pupil_q()
        if self.is_nominative and self.user_id:
            extra = self.user.exceptional_school_ids
            if extra:
                q |= Q(record_school_id__in=extra)
        return q


class ExceptionalAccessQuerySet(models.QuerySet):
    def open(self, now=None):
        """Grants running at `now`: not closed and not expired."""
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def visible_to(self, user):
        """Administrators see the grants opened on the schools of their académie."""
        ids = user.administered_academie_ids if user.is_authenticated else []
        if not ids:
            return self.none()
        return self.filter(etablissement__departement__academie_id__in=ids)


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
    category = models.CharField(
        "motif", max_length=20, choices=AccessCategory.choices, default=AccessCategory.OTHER
    )
    reason = models.TextField("justification")
    granted_at = models.DateTimeField("ouvert le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("clos le", null=True, blank=True)

    objects = ExceptionalAccessQuerySet.as_manager()

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
        indexes = [
            models.Index(
                fields=["user", "expires_at"],
                condition=Q(revoked_at__isnull=True),
                name="exceptional_access_open",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.etablissement} jusqu'au {self.expires_at:%d/%m/%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > timezone.now()


class OidcIdentity(models.Model):
    """The ProConnect identity (`sub` of one provider) matched to an account.

    ProConnect's `sub` is specific to each (service, identity provider) pair, so it is only
    stored once an administrator-created account was matched on its e-mail; later logins
    find the account by it. One identity per provider and account.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="oidc_identities", verbose_name="compte"
    )
    issuer = models.CharField("fournisseur d'identité (issuer)", max_length=255)
    sub = models.CharField("identifiant chez le fournisseur (sub)", max_length=255)
    idp_id = models.CharField("fournisseur d'identité d'origine", max_length=255, blank=True)
    created_at = models.DateTimeField("rattachée le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "identité ProConnect"
        verbose_name_plural = "identités ProConnect"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_identity_unique_sub"),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="oidc_identity_one_per_provider"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.issuer}"


class AuthEvent(models.Model):
    """Every login success or failure, logout, second-factor check and account change.

    Never holds a password, token, code or secret: only who, how, from where and why.
    """

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    kind = models.CharField("événement", max_length=20, choices=AuthEventKind.choices)
    method = models.CharField("méthode", max_length=20, choices=AuthMethod.choices, blank=True)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="auth_events",
        verbose_name="compte",
    )
    username = models.CharField("identifiant saisi ou adresse", max_length=254, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    provider = models.CharField("fournisseur d'identité", max_length=255, blank=True)
    reason = models.CharField("motif", max_length=300, blank=True)
    by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )

    class Meta:
        verbose_name = "événement de connexion"
        verbose_name_plural = "événements de connexion"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="auth_event_user_at")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.username}"
