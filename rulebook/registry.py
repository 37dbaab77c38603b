"""The rules in force: every regulatory number and modelling choice, with its source.

Each app declares its rules in its own `rules.py`:

- `fixed(...)` for a value set by a text and not meant to vary (age 16 of L.131-1): it
  returns the value itself, so code reads it as a plain constant;
- `setting(...)` for a value an académie may have to change — every [ASSUMPTION] and
  [UNCERTAIN] of domain.md, and texts that differ between académies: it returns a `Rule`,
  called to read `settings.<NAME>` at call time (or its default).

The page « Règles en vigueur » (`operations.views_rules.rules_in_force`) and the README list
them all; a system check refuses a setting of the wrong type at start-up.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class Status(models.TextChoices):
    TEXT = "texte", "Texte national"
    LOCAL = "local", "Circulaire académique"
    ASSUMPTION = "hypothese", "Hypothèse"
    UNCERTAIN = "incertain", "Incertain"


T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Rule(Generic[T]):
    name: str
    label: str
    default: T
    source: str
    status: str
    section: str
    is_setting: bool
    unit: str = ""
    reading: str = ""
    check: Callable[[Any], bool] | None = None

    do_not_call_in_templates = True  # templates read its attributes, not its value

    def __call__(self) -> T:
        return self.value

    @property
    def value(self) -> T:
        if not self.is_setting:
            return self.default
        raw = getattr(settings, self.name, self.default)
        try:
            value: T = coerce(raw, self.default, self.check)
            return value
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"Réglage {self.name} invalide : {exc}") from exc

    @property
    def is_overridden(self) -> bool:
        return self.is_setting and hasattr(settings, self.name) and self.value != self.default

    @property
    def status_label(self) -> str:
        return Status(self.status).label


_RULES: dict[str, Rule[Any]] = {}


def _register(rule: Rule[T]) -> Rule[T]:
    if rule.status not in Status.values:
        raise ValueError(f"{rule.name} : statut inconnu {rule.status!r}")
    known = _RULES.get(rule.name)
    if known is not None and known.section != rule.section:
        raise ValueError(f"Règle déclarée deux fois : {rule.name}")
    _RULES[rule.name] = rule
    return rule


def setting(
    name: str,
    default: T,
    *,
    label: str,
    source: str,
    status: str,
    section: str,
    unit: str = "",
    reading: str = "",
    check: Callable[[Any], bool] | None = None,
) -> Rule[T]:
    """A rule read from `settings.<name>` at call time; call the returned Rule for its value."""
    return _register(
        Rule(name, label, default, source, status, section, True, unit, reading, check)
    )


def fixed(
    name: str,
    value: T,
    *,
    label: str,
    source: str,
    section: str,
    status: str = Status.TEXT,
    unit: str = "",
    reading: str = "",
) -> T:
    """A rule set by a text: registered for the page, returned as a plain value."""
    _register(Rule(name, label, value, source, status, section, False, unit, reading))
    return value


def all_rules() -> list[Rule[Any]]:
    return list(_RULES.values())


def get(name: str) -> Rule[Any]:
    return _RULES[name]


def coerce(raw: Any, default: Any, check: Callable[[Any], bool] | None = None) -> Any:
    """`raw` as the type of `default`; ValueError/TypeError when it cannot be."""
    value: Any
    if isinstance(default, bool):
        if not isinstance(raw, bool):
            raise TypeError("oui/non attendu (True ou False)")
        value = raw
    elif isinstance(default, int):
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise TypeError("nombre entier attendu")
        value = int(raw)
    elif isinstance(default, Decimal):
        try:
            value = Decimal(str(raw))
        except InvalidOperation as exc:
            raise ValueError("nombre décimal attendu") from exc
    elif isinstance(default, float):
        if isinstance(raw, bool):
            raise TypeError("nombre attendu")
        value = float(raw)
    elif (
        isinstance(default, tuple)
        and len(default) == 2
        and all(isinstance(x, int) for x in default)
    ):
        month, day = raw
        dt.date(2000, int(month), int(day))  # raises ValueError on 31/02
        value = (int(month), int(day))
    elif isinstance(default, str):
        if not isinstance(raw, str):
            raise TypeError("texte attendu")
        value = raw
    else:
        value = raw
    if check is not None and not check(value):
        raise ValueError(f"valeur hors des bornes admises : {value!r}")
    return value


def display(rule: Rule[Any], value: Any) -> str:
    """A value as a French reader expects it (10 → « 10 », (7, 4) → « 4 juillet »)."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dict):
        return ", ".join(sorted(value)) if value else "aucune surcharge"
    if isinstance(rule.default, tuple) and len(rule.default) == 2:
        month, day = value
        return f"{day} {MONTHS[month - 1]}"
    if isinstance(value, Decimal | float):
        text = f"{value:g}".replace(".", ",")
    elif isinstance(value, tuple | list):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    return f"{text} {rule.unit}".strip()


MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


# Settings that dates from the one school calendar replaced: still set, they would be ignored.
REPLACED_SETTINGS = {
    "DOSSIERS_RESULTS_DAY": "le jour des résultats du calendrier scolaire "
    "(à défaut CALENDAR_DEFAULT_RESULTS_DAY)",
    "DOSSIERS_RENTREE_DAY": "la rentrée du calendrier scolaire (à défaut CALENDAR_DEFAULT_RENTREE)",
    "DOSSIERS_SWEEP_DAY": "la date de repérage du calendrier scolaire "
    "(à défaut NOTIFICATIONS_SANS_SOLUTION_DAYS_BEFORE_RENTREE)",
    "MLDS_RENTREE_DATES": "la rentrée du calendrier scolaire",
}


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: every rule set in the settings has the type (and bounds) of its default,
    and no replaced setting is left behind."""
    errors: list[checks.CheckMessage] = [
        checks.Warning(
            f"Le réglage {name} n'est plus lu.",
            hint=f"Utilisez {replacement}.",
            id="rulebook.W001",
        )
        for name, replacement in REPLACED_SETTINGS.items()
        if hasattr(settings, name)
    ]
    for rule in all_rules():
        if not rule.is_setting or not hasattr(settings, rule.name):
            continue
        try:
            coerce(getattr(settings, rule.name), rule.default, rule.check)
        except (TypeError, ValueError) as exc:
            errors.append(
                checks.Error(
                    f"Réglage {rule.name} invalide : {exc}.",
                    hint=f"Valeur par défaut : {rule.default!r} ({rule.source}).",
                    id="rulebook.E001",
                )
            )
    return errors
