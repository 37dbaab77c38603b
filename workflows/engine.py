"""One lifecycle engine for every case that moves through states.

A workflow declares its transitions once (`Transition`): French label, source states, target
state, who may start it from a page or the API, the form it needs, what blocks it today and the
deadline kinds it moves. `Workflow.apply` is the only way a case changes state: in one
transaction it locks the row, re-reads the state (and the optimistic version when the workflow
has one), runs the transition's guard on the locked row, saves, writes ONE log row (a
`workflows.models.TransitionLog`), syncs the case's deadlines and records the human action.
Every refusal is a `TransitionRefused` carrying a French message.

Pages and the API never dispatch actions themselves: `workflows.views.action_view` and
`workflows.api.WorkflowActionsMixin` are generated from the same declaration, so they cannot
drift.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

STALE_MESSAGE = "Ce dossier a été modifié entre-temps par quelqu'un d'autre : rechargez la page."
CONFLICT_MESSAGE = "Cette action a déjà été enregistrée ou entre en conflit avec une autre."
GONE_MESSAGE = "Cette action n'est plus possible dans l'état actuel"


class TransitionRefused(ValidationError):
    """A transition refused, with the French reason shown where the user acted."""


def refuse(message: str):
    raise TransitionRefused(message)


def reason_of(check: Callable[[], Any]) -> str | None:
    """Run a check that raises `ValidationError`; return its French message, or None if it
    passes. Lets a guard written once also say, before the user tries, why an action would
    fail."""
    try:
        check()
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


@dataclass(frozen=True)
class Transition:
    """One declared move. `may=None` means services only (never offered on a page or the API)."""

    label: str
    sources: tuple[str, ...]
    target: str | None = None  # None: an event that keeps the state, logged all the same
    may: Callable[[Any], bool] | None = None
    form: type | str | None = None  # a form class, or its dotted path
    form_kwargs: Callable[[Any], dict] | None = None
    initial: Callable[[Any], dict] | None = None  # this form's initial values, from the case
    # Why the action cannot succeed now (right lapsed, missing entretien…), or None.
    blocker: Callable[[Any, dt.date], str | None] | None = None
    deadlines: tuple[str, ...] = ()
    # The model method called with the form's cleaned data (default: the transition's name),
    # or a callable `(case, *, by, **data)` for an action that is not one model method (an
    # event recorded by a service, a method needing the row locked first…).
    method: str | Callable[..., Any] = ""
    success: str = ""
    name: str = ""


@dataclass
class Offer:
    """One action as the current user sees it on the page: enabled, or disabled with its reason."""

    name: str
    label: str
    enabled: bool
    reason: str = ""
    form: Any = None


@dataclass
class Workflow:
    """The declaration of one lifecycle, registered under `name`."""

    name: str
    label: str
    log_model: str  # "app_label.ModelName" of a TransitionLog subclass
    log_fk: str  # the log's foreign key to the case
    transitions: dict[str, Transition]
    state_field: str = "state"
    version_field: str | None = None
    # Per state, the transitions that are the next step, else a text saying who acts next.
    next_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    waiting: dict[str, str] = field(default_factory=dict)
    form_initial: Callable[[Any], dict] | None = None
    wrong_state: Callable[[Transition, str, Any], str] | None = None
    # True when the model methods check their guards before calling apply (on the state the
    # page was loaded with): any change of state since then is refused as stale.
    strict_state: bool = False
    # True for models whose methods set several fields before applying (the row is locked and
    # re-read by the caller): the whole row is saved rather than `changes` only.
    save_whole_row: bool = False

    def __post_init__(self):
        self.transitions = {
            name: replace(t, name=name, method=t.method or name)
            for name, t in self.transitions.items()
        }
        REGISTRY[self.name] = self

    # --- reading the declaration ----------------------------------------------------------
    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def get_log_model(self):
        return apps.get_model(self.log_model)

    def state_of(self, instance) -> str:
        return getattr(instance, self.state_field)

    def available(self, instance) -> list[str]:
        state = self.state_of(instance)
        return [n for n, t in self.transitions.items() if state in t.sources]

    def page_actions(self) -> dict[str, Transition]:
        return {n: t for n, t in self.transitions.items() if t.may is not None}

    def make_form(self, name: str, instance, data=None, *, prefix: bool = True):
        t = self.transitions[name]
        if t.form is None:
            return None
        # A dotted path lets a declaration name a form whose module imports the models.
        form_class = import_string(t.form) if isinstance(t.form, str) else t.form
        kwargs = t.form_kwargs(instance) if t.form_kwargs else {}
        initial = self.form_initial(instance) if self.form_initial else {}
        if t.initial is not None:
            initial = {**initial, **t.initial(instance)}
        return form_class(data, prefix=name if prefix else None, initial=initial, **kwargs)

    def offers(self, instance, user, *, today=None, bound=None) -> list[Offer]:
        """The actions this user may start on this case in its current state, each enabled or
        disabled with the French reason it would be refused today."""
        today = today or timezone.localdate()
        state = self.state_of(instance)
        rows = []
        for name, t in self.transitions.items():
            if t.may is None or state not in t.sources or not t.may(user):
                continue
            reason = t.blocker(instance, today) if t.blocker else None
            if bound is not None and bound.prefix == name:
                form = bound
            else:
                form = None if reason else self.make_form(name, instance)
            rows.append(Offer(name, t.label, reason is None, reason or "", form))
        if bound is not None and bound.prefix not in {o.name for o in rows}:
            # The action refused has left the offers (the case moved meanwhile): its form is
            # shown greyed with what the person typed, so that nothing is lost.
            t = self.transitions.get(bound.prefix)
            if t is not None:
                reason = f"{GONE_MESSAGE} (« {self._state_label(instance)} »)."
                rows.append(Offer(t.name, t.label, False, reason, bound))
        return rows

    def _state_label(self, instance) -> str:
        getter = getattr(instance, f"get_{self.state_field}_display", None)
        return str(getter()) if getter else str(self.state_of(instance))

    def next_step(self, instance, offers: Iterable[Offer]) -> str:
        """The "Prochaine étape" line, from the same computation as the offered actions."""
        state = self.state_of(instance)
        by_name = {o.name: o for o in offers}
        wanted = [by_name[n] for n in self.next_actions.get(state, ()) if n in by_name]
        enabled = [o for o in wanted if o.enabled]
        if enabled:
            return " ou ".join(o.label for o in enabled)
        others = [o.label for o in by_name.values() if o.enabled]
        if wanted:
            text = f"{wanted[0].label} : impossible pour l'instant ({wanted[0].reason})"
            if others:
                text += " — possible : " + ", ".join(others)
            return text
        return self.waiting.get(state, "") or (" ou ".join(others) if others else "Aucune")

    # --- running an action from a page or the API ---------------------------------------
    def run(self, instance, name: str, *, by, data: dict, expected_version=None, today=None):
        """Run a page's or the API's action: refuse it with the blocker's French reason, or
        as stale when the version the form was loaded with has moved, else call the
        transition's method with the form's cleaned data, in one transaction (a unique
        constraint hit becomes a French refusal)."""
        t = self.transitions[name]
        kwargs = dict(data)
        if self.version_field:
            # The page's form may carry the version it was loaded with.
            form_version = kwargs.pop(self.version_field, None)
            version = expected_version if expected_version not in (None, "") else form_version
            version = int(version) if str(version).isdigit() else None
            if version is not None and version != getattr(instance, self.version_field):
                raise TransitionRefused(STALE_MESSAGE)
            kwargs["expected_version"] = version
        # Outside its source states the model's guard (or `apply`) says why; in them, the
        # declared blocker gives the same reason the page shows.
        if t.blocker is not None and self.state_of(instance) in t.sources:
            reason = t.blocker(instance, today or timezone.localdate())
            if reason:
                raise TransitionRefused(reason)
        target = t.method
        method = partial(target, instance) if callable(target) else getattr(instance, target)
        params = inspect.signature(method).parameters
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            kwargs = {k: v for k, v in kwargs.items() if k in params}
        try:
            with transaction.atomic():
                return method(by=by, **kwargs)
        except IntegrityError as exc:
            raise TransitionRefused(CONFLICT_MESSAGE) from exc

    # --- the one way to change state ----------------------------------------------------
    def apply(
        self,
        instance,
        name: str,
        *,
        by,
        comment: str = "",
        changes: dict | None = None,
        guard: Callable[[], Any] | None = None,
        expected_version=None,
        payload: dict | None = None,
        target: str | None = None,
        log_fields: dict | None = None,
    ):
        """Lock, re-check, save, log once, sync deadlines, record the human action.

        `guard` runs on the locked row (the state re-read from the database) and raises
        `ValidationError` to refuse; `target` overrides the declared target for transitions
        whose outcome depends on the input (e.g. a contact that reached the person or not);
        `log_fields` fills the columns a concrete log adds to the shared ones. Returns the log
        row.
        """
        t = self.transitions[name]
        model = type(instance)
        changes = dict(changes or {})
        sf, vf = self.state_field, self.version_field
        with transaction.atomic():
            fields = [sf, vf] if vf else [sf]
            row = model._default_manager.select_for_update().filter(pk=instance.pk)
            row = row.values(*fields).get()
            current = row[sf]
            in_memory = getattr(instance, sf)
            if vf and expected_version not in (None, "") and int(expected_version) != row[vf]:
                raise TransitionRefused(STALE_MESSAGE)
            if self.strict_state and current != in_memory:
                raise TransitionRefused(STALE_MESSAGE)
            setattr(instance, sf, current)
            if vf:
                setattr(instance, vf, row[vf])
            if current not in t.sources:
                raise TransitionRefused(self._wrong_state(t, current, in_memory))
            if guard is not None:
                try:
                    guard()
                except TransitionRefused:
                    raise
                except ValidationError as exc:
                    raise TransitionRefused(exc.messages) from exc
            for attr, value in changes.items():
                setattr(instance, attr, value)
            to = target or t.target or current
            setattr(instance, sf, to)
            update = [*changes, sf]
            if vf:
                setattr(instance, vf, row[vf] + 1)
                update.append(vf)
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                update.append("updated_at")
            if self.save_whole_row:
                instance.save()
            else:
                instance.save(update_fields=list(dict.fromkeys(update)))
            log = self.get_log_model().objects.create(
                **{self.log_fk: instance},
                action=name,
                from_state=current,
                to_state=to,
                by=by if getattr(by, "pk", None) else None,
                comment=(comment or "")[:2000],
                payload=payload or {},
                **(log_fields or {}),
            )
            sync = getattr(instance, "sync_deadlines", None)
            if sync is not None:
                sync()
            if getattr(by, "pk", None) and getattr(by, "is_authenticated", False):
                for hook in HUMAN_ACTION_HOOKS:
                    hook(subject=instance, by=by)
        return log

    def _wrong_state(self, t: Transition, current: str, in_memory: str) -> str:
        if self.wrong_state is not None:
            return self.wrong_state(t, current, in_memory)
        if current != in_memory:
            return STALE_MESSAGE
        return f"Action impossible dans l'état actuel : « {t.label} »."


REGISTRY: dict[str, Workflow] = {}
# Called after each human transition (the audit app registers "who last acted on this case").
HUMAN_ACTION_HOOKS: list[Callable[..., Any]] = []


def register_human_action_hook(hook: Callable[..., Any]) -> None:
    if hook not in HUMAN_ACTION_HOOKS:
        HUMAN_ACTION_HOOKS.append(hook)
