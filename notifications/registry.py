"""Deadline kinds and case types, registered by the apps that own them.

An app that computes deadlines declares, in its `deadlines.py` (imported by its AppConfig.ready):

- its kinds (`register_kinds`): the stored value, the French label, and the reminder policy
  (when to remind, who is reminded when nobody is assigned, escalation);
- its case types (`register_case`): the model the deadlines hang on, which cases an account
  may open (`visible`) and act on (`writable`). A deadline is listed exactly when its case is
  visible; its reminders can be suspended exactly when its case is writable.

This module imports no other app: any app may register here without creating a cycle.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

_SCHOOL_ROLES = ("chef_etablissement", "referent_decrochage")
_DEPARTEMENT_ROLES = ("ien_io",)


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
    - information: nothing to do by the date, to read and keep in mind (birthdays, alerts):
      shown apart from the work that falls due.
    """

    before_days: int | None = 7
    overdue_after_days: int | None = 1
    escalation_days: tuple[int, ...] = (7, 14)
    urgent: bool = False
    count_from_human_action: bool = False
    school_roles: tuple[str, ...] = _SCHOOL_ROLES
    departement_roles: tuple[str, ...] = _DEPARTEMENT_ROLES
    information: bool = False


@dataclass(frozen=True)
class Kind:
    value: str
    label: str
    policy: KindPolicy
    app_label: str


@dataclass(frozen=True)
class CaseType:
    """A model deadlines hang on, and who may open it and act on it.

    `visible(user)` and `writable(user)` return QuerySets of the model: the same rules as the
    case's own pages (`get_<object>_for_user`), so a listed deadline always opens.
    """

    model: type
    visible: Callable
    writable: Callable

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"


_kinds: dict[str, Kind] = {}
_cases: dict[str, CaseType] = {}
_daily: list[Callable] = []


def register_kinds(choices, *, app_label: str, policies: dict | None = None) -> None:
    """Register every member of a TextChoices class as a deadline kind of `app_label`.

    A kind without an entry in `policies` gets the default policy. Registering the same value
    twice from two apps is a programming error.
    """
    policies = policies or {}
    for value, label in choices.choices:
        known = _kinds.get(value)
        if known is not None and known.app_label != app_label:
            raise ValueError(f"Deadline kind {value!r} is already registered by {known.app_label}")
        _kinds[value] = Kind(value, label, policies.get(value, KindPolicy()), app_label)
    unknown = set(policies) - {value for value, _ in choices.choices}
    if unknown:
        raise ValueError(f"Policies for unknown kinds: {sorted(unknown)}")


def register_case(model, *, visible: Callable | None = None, writable: Callable) -> None:
    """Register `model` as a case type; `visible` defaults to `model.objects.visible_to`."""
    case = CaseType(
        model=model,
        visible=visible or (lambda user: model.objects.visible_to(user)),
        writable=writable,
    )
    _cases[case.label] = case


def register_daily(function: Callable) -> None:
    """A function run by the morning sweep before reminders: `function(today=date)` returns
    (created, completed). Used for deadlines no user action creates (birthdays)."""
    if function not in _daily:
        _daily.append(function)


def kinds() -> list[Kind]:
    return list(_kinds.values())


def kind(value: str) -> Kind:
    try:
        return _kinds[value]
    except KeyError:
        raise LookupError(f"Unregistered deadline kind {value!r}") from None


def is_registered(value: str) -> bool:
    return value in _kinds


def kind_label(value: str) -> str:
    found = _kinds.get(value)
    return found.label if found else value


def kind_choices() -> list[tuple[str, str]]:
    """Choices of `Deadline.kind`, read at call time (a callable: no migration per new kind)."""
    return [(k.value, k.label) for k in _kinds.values()]


def information_kinds() -> list[str]:
    return [k.value for k in _kinds.values() if k.policy.information]


def kinds_of(app_label: str) -> list[str]:
    return [k.value for k in _kinds.values() if k.app_label == app_label]


def case_types() -> list[CaseType]:
    return list(_cases.values())


def case_type(label_or_model) -> CaseType | None:
    if isinstance(label_or_model, str):
        return _cases.get(label_or_model.lower())
    meta = label_or_model._meta
    return _cases.get(f"{meta.app_label}.{meta.model_name}")


def daily_functions() -> Iterable[Callable]:
    return list(_daily)


def case_q(user, prefix: str = "", *, write: bool = False) -> Q:
    """Q over Deadline rows (through `prefix`) whose case `user` may open (or act on, with
    `write`): one branch per registered case type,
    `content_type = T AND object_id IN (visible cases of T)`."""
    from django.contrib.contenttypes.models import ContentType

    q = Q(pk__in=[])
    for case in _cases.values():
        ct = ContentType.objects.get_for_model(case.model)
        q |= Q(
            **{
                f"{prefix}content_type_id": ct.pk,
                f"{prefix}object_id__in": (case.writable if write else case.visible)(user)
                .order_by()
                .values("pk"),
            }
        )
    return q
