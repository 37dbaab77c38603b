"""The one access vocabulary: every group of roles, defined once, and the one helper that reads
the active role. Models, views, the API, workflow declarations and templates (through `can_*`
booleans) import from here; nothing else defines a set of roles.

A leaf module: it imports nothing of the project but `accounts.enums`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .enums import Role

if TYPE_CHECKING:
    from .models import RoleAssignment

R = Role

# --- Schools -------------------------------------------------------------------------------
SCHOOL_ROLES = frozenset({R.CHEF_ETABLISSEMENT, R.REFERENT_DECROCHAGE})
# The head decides for the school; the référent décrochage records the accompaniment.
HEAD_ROLES = frozenset({R.CHEF_ETABLISSEMENT})
TRAIL_ROLES = SCHOOL_ROLES
CIO_ROLES = frozenset({R.DIRECTEUR_CIO})
ADMIN_ROLES = frozenset({R.ADMINISTRATEUR})
# The académie pilot sees aggregates only, never a named pupil.
AGGREGATE_ONLY_ROLES = frozenset({R.PILOTE_ACADEMIQUE})
ACADEMIE_REVIEW_ROLES = AGGREGATE_ONLY_ROLES | ADMIN_ROLES

# --- Département ---------------------------------------------------------------------------
# The commission d'affectation decides (IA-DASEN by delegation of the recteur).
COMMISSION_ROLES = frozenset({R.MEMBRE_COMMISSION, R.IEN_IO, R.IA_DASEN})
COMMISSION_PAGE_ROLES = COMMISSION_ROLES | ADMIN_ROLES
# Members read only the dossiers transmitted to the commission (and those pupils).
COMMISSION_MEMBER_ROLES = frozenset({R.MEMBRE_COMMISSION})
MLDS_ROLES = frozenset({R.COORDONNATEUR_MLDS})
# Every role whose scope is a whole département.
DEPARTEMENT_SCOPE_ROLES = COMMISSION_ROLES | MLDS_ROLES
# The département's inspectors (validation of prevention paths, supervision of the MLDS).
INSPECTION_ROLES = frozenset({R.IEN_IO, R.IA_DASEN})

# --- Re-preparation dossiers ---------------------------------------------------------------
# Readers of the dossiers of their scope (the MLDS coordinator only the sans-solution ones).
DOSSIER_READ_ROLES = TRAIL_ROLES | COMMISSION_ROLES | MLDS_ROLES | CIO_ROLES | ADMIN_ROLES
# Roles that carry a step of the dossier (the CIO director and the administrator only read).
DOSSIER_ACTING_ROLES = TRAIL_ROLES | COMMISSION_ROLES | MLDS_ROLES
DOSSIER_IMPORT_ROLES = HEAD_ROLES | COMMISSION_ROLES | ADMIN_ROLES
MLDS_HANDOVER_ROLES = HEAD_ROLES | MLDS_ROLES

# --- MLDS ----------------------------------------------------------------------------------
# Who reads the MLDS caseload of a whole département (the IA-DASEN and IEN-IO supervise it).
MLDS_DEPARTEMENT_READ_ROLES = MLDS_ROLES | INSPECTION_ROLES | ADMIN_ROLES
# Who writes follow-ups: the coordinators of the département (and the administrator).
MLDS_WRITE_ROLES = MLDS_ROLES | ADMIN_ROLES
MLDS_PAGE_ROLES = MLDS_DEPARTEMENT_READ_ROLES | CIO_ROLES | SCHOOL_ROLES
AMBITION_WRITE_ROLES = MLDS_WRITE_ROLES | SCHOOL_ROLES
DROIT_RETOUR_READ_ROLES = MLDS_DEPARTEMENT_READ_ROLES | CIO_ROLES

# --- Prevention ----------------------------------------------------------------------------
# Reading a school's prevention work: its staff, the CIO of its bassin, the administrator.
PREVENTION_SCHOOL_READ_ROLES = SCHOOL_ROLES | CIO_ROLES | ADMIN_ROLES
# The département sees the paths sent to it for validation, never a school's drafts.
PREVENTION_READ_ROLES = PREVENTION_SCHOOL_READ_ROLES | INSPECTION_ROLES
PREVENTION_WRITE_ROLES = SCHOOL_ROLES

# --- FoQualE -------------------------------------------------------------------------------
# Who refers pupils to the network's actions: the schools' staff, the CIO, the MLDS
# coordinator and the network's head.
FOQUALE_REFERRAL_ROLES = (
    SCHOOL_ROLES | CIO_ROLES | MLDS_ROLES | {R.RESPONSABLE_FOQUALE} | ADMIN_ROLES
)
FOQUALE_PROJECT_WRITE_ROLES = HEAD_ROLES

# --- Pupils, reports, operations -----------------------------------------------------------
STUDENT_WRITE_ROLES = SCHOOL_ROLES | ADMIN_ROLES
# Who reads the SIECLE exit signals: the school, the MLDS, the IA-DASEN, the administrator.
EXIT_SIGNAL_ROLES = SCHOOL_ROLES | MLDS_ROLES | {R.IA_DASEN} | ADMIN_ROLES
REPORT_DASHBOARD_ROLES = AGGREGATE_ONLY_ROLES | ADMIN_ROLES | INSPECTION_ROLES | CIO_ROLES
OPERATIONS_ROLES = ADMIN_ROLES


def active_role(user: Any, *, nominative: bool = False) -> RoleAssignment | None:
    """The role the account acts under now (chosen at login), or None.

    With `nominative=True`, None also for a role that only sees aggregates.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    role = getattr(user, "active_role", None)
    if role is None or (nominative and not role.is_nominative):
        return None
    return role


def role_in(user: Any, roles: Iterable[str]) -> bool:
    """True when the active, nominative role is one of `roles`."""
    role = active_role(user, nominative=True)
    return role is not None and role.role in roles


def holds(roles: Iterable[str]) -> Callable[[object], bool]:
    """A permission predicate for a workflow declaration: `may=holds(HEAD_ROLES)`."""
    frozen = frozenset(roles)

    def predicate(user) -> bool:
        return role_in(user, frozen)

    predicate.roles = frozen
    return predicate
