"""What `students` asks of the apps built on it, answered by them at start-up.

`students` lies below `dossiers` and `mlds` in the app graph (README, « Graphe des
applications ») and never imports them. An upper app registers here, in its AppConfig.ready:

- `register_pupil_scope(roles, rule)`: the pupils a role narrowed to its cases may read instead
  of its structural scope (`dossiers`: a commission member reads only the pupils of the dossiers
  transmitted to the commission). A narrowed role whose rule is missing reads no pupil.
- `register_diploma_source(source)`: the diplomas the application knows a pupil obtained
  (`mlds`, from the passed exam results); a leaver with a diploma is not signalled.
- `register_exit_follow_up(follow_up)`: the follow-up a leaver without solution gets from the
  exit signals page (`mlds`: an MLDS follow-up).

This module imports nothing of the project but `accounts.roles` (a leaf).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value

from accounts.roles import COMMISSION_MEMBER_ROLES

if TYPE_CHECKING:
    from .models import ExitSignal, Student

# Roles that read only the pupils of their cases, never their whole structural scope.
NARROWED_ROLES = COMMISSION_MEMBER_ROLES

# rule(user) -> a filter on Student (Q or boolean expression)
PupilScope = Callable[[Any], Any]

_pupil_scopes: dict[str, PupilScope] = {}
_diploma_sources: list[Callable[[Student], list[str]]] = []


@dataclass(frozen=True)
class ExitFollowUp:
    """The follow-up an exit signal leads to.

    - `existing()`: the open follow-ups, a QuerySet with a `student` field; a signal whose pupil
      has one is shown as followed.
    - `open(signal, user)`: opens the follow-up for the signal's pupil (raises ValidationError
      with a French message) and returns the URL of its page.
    """

    label: str
    existing: Callable[[], QuerySet[Any]]
    open: Callable[[ExitSignal, Any], str]


_exit_follow_up: list[ExitFollowUp] = []


def register_pupil_scope(roles: Iterable[str], rule: PupilScope) -> None:
    for role in roles:
        _pupil_scopes[role] = rule


def pupil_scope(role: str) -> PupilScope | None:
    """The narrowing rule of `role`; for a narrowed role without one, a rule that matches
    nobody (deny by default)."""
    rule = _pupil_scopes.get(role)
    if rule is None and role in NARROWED_ROLES:
        return lambda user: Value(False)
    return rule


def register_diploma_source(source: Callable[[Student], list[str]]) -> None:
    if source not in _diploma_sources:
        _diploma_sources.append(source)


def held_diplomas(student: Student) -> list[str]:
    """Diplomas the application knows `student` obtained (empty when none is known)."""
    return [diploma for source in _diploma_sources for diploma in source(student)]


def register_exit_follow_up(follow_up: ExitFollowUp) -> None:
    _exit_follow_up[:] = [follow_up]


def exit_follow_up() -> ExitFollowUp | None:
    return _exit_follow_up[0] if _exit_follow_up else None


def has_follow_up() -> Exists | Value:
    """Annotation for an ExitSignal QuerySet: the pupil already has an open follow-up."""
    follow_up = exit_follow_up()
    if follow_up is None:
        return Value(False, output_field=BooleanField())
    return Exists(follow_up.existing().filter(student=OuterRef("student_id")))
