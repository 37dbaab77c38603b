"""Reminder settings. Each can be overridden in Django settings (NOTIFICATIONS_*)."""

from dataclasses import dataclass, replace

from django.conf import settings

from accounts.enums import Role

from . import rules
from .enums import DeadlineKind as K


@dataclass(frozen=True)
class KindPolicy:
    """How the reminders of one deadline kind behave.

    - before_days: first reminder this many days before the due date (None: no early notice).
    - overdue_after_days: the "échéance dépassée" reminder this many days after it (None: never;
      age events are facts, not obligations, so they are never overdue).
    - escalation_days: days overdue at which escalation levels 1 and 2 fire (school → directeur
      de CIO → IEN-IO; département cases → IEN-IO → IA-DASEN).
    - urgent: e-mails go out even on a non-working day (summer re-preparation, legal 15 days).
    - count_from_human_action: after the due date, the clock restarts at the latest human action
      recorded on the case (`record_human_action`).
    - school_roles / departement_roles: who receives it when the deadline has no assignee.
    """

    before_days: int | None = 7
    overdue_after_days: int | None = 1
    escalation_days: tuple[int, ...] = (7, 14)
    urgent: bool = False
    count_from_human_action: bool = False
    school_roles: tuple[str, ...] = (Role.CHEF_ETABLISSEMENT, Role.REFERENT_DECROCHAGE)
    departement_roles: tuple[str, ...] = (Role.IEN_IO,)


_DEFAULT = KindPolicy()
_CHEF = (Role.CHEF_ETABLISSEMENT,)
_REFERENT = (Role.REFERENT_DECROCHAGE,)
_MLDS = (Role.COORDONNATEUR_MLDS,)
_AGE = KindPolicy(
    before_days=30, overdue_after_days=None, escalation_days=(), departement_roles=_MLDS
)

# [ASSUMPTION] domain.md §8: entretien due a few working days after results day, escalation if
# not held; the re-preparation kinds fall in the summer holidays, hence urgent.
DEFAULT_POLICIES: dict[str, KindPolicy] = {
    K.ENTRETIEN_SITUATION: KindPolicy(
        before_days=2,
        escalation_days=(3, 7),
        urgent=True,
        count_from_human_action=True,
        school_roles=_CHEF,
    ),
    K.DECISION_REINSCRIPTION: KindPolicy(
        before_days=3, escalation_days=(5, 10), urgent=True, school_roles=_CHEF
    ),
    K.COMMISSION_SESSION: KindPolicy(
        escalation_days=(3, 7),
        urgent=True,
        departement_roles=(Role.MEMBRE_COMMISSION, Role.IEN_IO),
    ),
    K.FAMILY_INFORMED: KindPolicy(
        before_days=2,
        escalation_days=(5, 10),
        urgent=True,
        count_from_human_action=True,
        school_roles=_CHEF,
    ),
    K.REPREPARATION_RIGHT_END: KindPolicy(before_days=14, escalation_days=(), school_roles=_CHEF),
    K.SANS_SOLUTION_SWEEP: KindPolicy(escalation_days=(1, 3), urgent=True),
    K.GPDS_REVIEW: KindPolicy(school_roles=_REFERENT),
    K.PAFI_REVIEW: KindPolicy(school_roles=_REFERENT),
    K.PAFI_END: KindPolicy(before_days=14, school_roles=_REFERENT),
    K.DEROGATOIRE_VALIDATION: KindPolicy(departement_roles=(Role.IA_DASEN,)),
    K.DEROGATOIRE_REVIEW: KindPolicy(school_roles=_REFERENT),
    K.DEROGATOIRE_VISIT: KindPolicy(school_roles=_REFERENT),
    K.TDO_END: KindPolicy(before_days=14, school_roles=_REFERENT),
    K.TDO_BILAN: KindPolicy(school_roles=_REFERENT),
    K.MLDS_CONTACT: KindPolicy(
        before_days=3, count_from_human_action=True, departement_roles=_MLDS
    ),
    K.MLDS_BILAN: KindPolicy(departement_roles=_MLDS),
    K.MLDS_TRANSITION: KindPolicy(count_from_human_action=True, departement_roles=_MLDS),
    K.AMBITION_EMPLOI_END: KindPolicy(before_days=14),
    K.AMBITION_EMPLOI_BILAN: KindPolicy(),
    # Droit au retour: an interview within 15 days of the request (décret 2014-1453).
    K.DROIT_RETOUR_ENTRETIEN: KindPolicy(
        before_days=3, escalation_days=(2, 5), urgent=True, departement_roles=_MLDS
    ),
    K.AGE_15: replace(_AGE, school_roles=_REFERENT),
    K.AGE_16: _AGE,
    K.AGE_18: _AGE,
    K.AGE_25: _AGE,
}


def policy_for(kind: str) -> KindPolicy:
    """Policy of `kind`, with NOTIFICATIONS_KIND_POLICIES = {kind: {field: value}} applied."""
    base = DEFAULT_POLICIES.get(kind, _DEFAULT)
    overrides = rules.KIND_POLICIES().get(kind)
    return replace(base, **overrides) if overrides else base


def age_notice_days() -> int:
    """Age events appear this many days before the birthday."""
    return rules.AGE_NOTICE_DAYS()


def sans_solution_days_before_rentree() -> int:
    """[ASSUMPTION] domain.md §8: the "sans solution" sweep the last week of August."""
    return rules.SANS_SOLUTION_DAYS_BEFORE_RENTREE()


def school_holidays_are_non_working() -> bool:
    """Non-urgent e-mails wait for the end of the school holidays (schools are closed)."""
    return rules.SCHOOL_HOLIDAYS_NON_WORKING()


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 6)


def backoff_seconds(attempts: int) -> int:
    """5 min, 10 min, 20 min… capped at 6 hours."""
    base = getattr(settings, "NOTIFICATIONS_BACKOFF_BASE_SECONDS", 300)
    return min(base * 2 ** max(attempts - 1, 0), 6 * 3600)


def mail_pause_seconds() -> float:
    """Pause between two e-mails, for SMTP relays that limit the sending rate."""
    return getattr(settings, "NOTIFICATIONS_MAIL_PAUSE_SECONDS", 0)


def email_backend() -> str | None:
    """A dedicated backend for digests (None: Django's EMAIL_BACKEND)."""
    return getattr(settings, "NOTIFICATIONS_EMAIL_BACKEND", None)
