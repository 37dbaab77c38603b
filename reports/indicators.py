"""Indicator families, each computed by one GROUP BY query in the database.

A family knows its base rows (enrolments, dossiers, paths…), where the school, voie, level
and school year of a row are, and its counts (conditional COUNTs). Rates are ratios of two
counts of the same aggregated row. Scope, filters and grouping are applied the same way for
every family, so the API, the CSV export, the dashboards and the diagnosis page show the
same figures.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, DateField, Exists, F, Func, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from . import conf, rules
from .enums import Dimension, TerritoryLevel
from .suppression import STAR, mask_key, node_key


class AddYears(Func):
    """date + n years, in SQL (PostgreSQL interval, SQLite date modifier)."""

    output_field = DateField()

    def __init__(self, expression, years: int, **extra):
        self.years = int(years)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template=f"date(%(expressions)s, '{self.years:+d} years')"
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template=f"(%(expressions)s + interval '{self.years} years')::date",
        )


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    # A count of pupils (maskable), or a rate in % of `numerator` over `denominator`.
    numerator: str | None = None
    denominator: str | None = None

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


@dataclass
class Family:
    slug: str
    label: str
    definition: str
    base: Callable[[], models.QuerySet]
    # name -> filter of the conditional COUNT (None: every row); built when queried.
    counts: Callable[[], dict[str, Q | None]]
    measures: list[Measure]
    school: str = "school"
    voie: str = "voie"
    level: str = "level"
    year: str = "school_year"
    available: Callable[[], bool] = field(default=lambda: True)
    # Precomputed rows at the finest grain (school, voie, level, year) with one column per
    # count, kept current by reports.summary; None: always computed live.
    summary: Callable[[], models.QuerySet] | None = None

    def path(self, dimension: str) -> str:
        return {
            Dimension.VOIE: self.voie,
            Dimension.NIVEAU: self.level,
            Dimension.ANNEE: self.year,
        }[dimension]


TERRITORY_KEYS = {
    TerritoryLevel.ACADEMIE: ("departement__academie__code", "departement__academie__name"),
    TerritoryLevel.DEPARTEMENT: ("departement__code", "departement__name"),
    TerritoryLevel.BASSIN: ("bassin__code", "bassin__name"),
    TerritoryLevel.RESEAU: ("foquale_networks__public_id", "foquale_networks__name"),
    TerritoryLevel.ETABLISSEMENT: ("uai", "name"),
}

# Columns of an aggregated row, in CSV order, before the family's measures.
ROW_KEYS = ["territoire_niveau", "territoire_code", "territoire_nom", "voie", "niveau", "annee"]


# --- Dropouts (décrochage) from the enrolment history -------------------------------------


def dropout_q() -> Q:
    """An enrolment that ended in a dropout: the one definition (rules.DROPOUT_DEFINITION).

    SIEI (domain.md §4.10) and §4.17: the enrolment has an exit date; the pupil was 16 or
    older on that date; no later enrolment of the pupil exists (a later school year, or the
    same year starting on or after the exit date); and the pupil left without a diploma —
    during the cycle (abandon, job, other, unrecorded), or at its end without a passed CAP,
    bac, BT or BTS at a session up to the one closing that school year (`leaver_at_end_of_
    cycle_without_diploma_q`). Apprenticeship, change of school and move are not dropouts.
    """
    from students.models import Enrolment

    following = Enrolment.objects.filter(student_id=OuterRef("student_id")).filter(
        Q(school_year__gt=OuterRef("school_year"))
        | Q(school_year=OuterRef("school_year"), entry_date__gte=OuterRef("exit_date"))
    )
    return (
        Q(exit_date__isnull=False)
        & (Q(exit_reason__in=rules.DROPOUT_EXIT_REASONS) | end_of_cycle_without_diploma_q())
        & Q(student__birth_date__lte=AddYears(F("exit_date"), -rules.DROPOUT_MIN_AGE))
        & ~Exists(following)
    )


def end_of_cycle_without_diploma_q() -> Q:
    """Left at the end of the cycle with no passed qualifying exam the app knows of (an
    ajourné who does not come back). Session S closes school year S-1, hence `school_year + 1`.
    """
    from dossiers.models import ExamResult

    diploma = ExamResult.objects.filter(
        student_id=OuterRef("student_id"),
        exam__in=rules.QUALIFYING_EXAMS,
        outcome__in=rules.PASSED_OUTCOMES,
        session_year__lte=OuterRef("school_year") + 1,
    )
    return Q(exit_reason=rules.END_OF_CYCLE_EXIT_REASON) & ~Exists(diploma)


def _enrolments():
    from students.models import Enrolment

    return Enrolment.objects.all()


def _dropout_cells():
    from .models import DropoutCell

    return DropoutCell.objects.all()


DROPOUTS = Family(
    slug="decrochage",
    label="Décrochage scolaire",
    definition=(
        "Effectif : inscriptions de l'année dans l'établissement, la voie et le niveau. "
        "Décrocheur (définition du SIEI) : jeune de 16 ans ou plus à la date de sortie, sans "
        "inscription ultérieure (année suivante, ou même année après la sortie), sorti sans "
        "diplôme : en cours de cycle (abandon, entrée dans l'emploi, autre ou motif non "
        "renseigné) ou en fin de cycle sans résultat « admis » connu à un CAP, baccalauréat, BT "
        "ou BTS (un ajourné qui ne revient pas). Les départs en apprentissage, changements "
        "d'établissement et déménagements ne sont pas comptés. Taux : décrocheurs / effectif."
    ),
    base=_enrolments,
    counts=lambda: {"effectif": None, "decrocheurs": dropout_q()},
    measures=[
        Measure("effectif", "Effectif"),
        Measure("decrocheurs", "Décrocheurs"),
        Measure("taux_decrochage", "Taux de décrochage (%)", "decrocheurs", "effectif"),
    ],
    summary=_dropout_cells,
)


REGISTRY: dict[str, Family] = {DROPOUTS.slug: DROPOUTS}


def register(family: Family) -> None:
    REGISTRY[family.slug] = family


def families() -> list[Family]:
    return list(REGISTRY.values())


def get_family(slug: str) -> Family | None:
    return REGISTRY.get(slug)


# --- The engine ---------------------------------------------------------------------------


def aggregate(
    family: Family,
    queryset: models.QuerySet,
    *,
    territory: str | None = TerritoryLevel.ETABLISSEMENT,
    dimensions: Iterable[str] = (Dimension.VOIE, Dimension.NIVEAU, Dimension.ANNEE),
) -> models.QuerySet:
    """One GROUP BY query: `queryset` (already scoped and filtered) grouped by territory and
    the chosen dimensions, with the family's counts. Returns a values() QuerySet.
    `territory=None` groups by the dimensions only (totals of the whole queryset)."""
    group = {}
    if territory is not None:
        code_path, name_path = (f"{family.school}__{p}" for p in TERRITORY_KEYS[territory])
        group = {"territoire_code": F(code_path), "territoire_nom": F(name_path)}
    dims = list(dimensions)
    for dim in (Dimension.VOIE, Dimension.NIVEAU, Dimension.ANNEE):
        if dim in dims:
            group[f"g_{dim}"] = F(family.path(dim))
    if is_summary(family, queryset):
        aggregates = {name: Coalesce(Sum(name), 0) for name in family.counts()}
    else:
        aggregates = {
            name: Count("pk", filter=condition) if condition is not None else Count("pk")
            for name, condition in family.counts().items()
        }
    qs = queryset
    if territory == TerritoryLevel.RESEAU:
        qs = qs.filter(**{f"{family.school}__foquale_networks__isnull": False})
    if not group:
        return [qs.aggregate(**aggregates)]
    return qs.annotate(**group).values(*group.keys()).annotate(**aggregates).order_by(*group.keys())


def present(
    family: Family,
    row: dict,
    *,
    territory: str,
    masked: bool,
    threshold: int | None = None,
    secondary: frozenset = frozenset(),
    fixed: dict | None = None,
) -> dict:
    """An aggregated row as published: rates computed, small cells masked when asked.

    Masking rule: a count under the threshold (5 pupils, zero included) becomes null, so
    does a count the secondary suppression hides (`secondary`, keys of reports.suppression;
    `fixed` gives the row's coordinates set by filters rather than by grouping), and a rate
    is null when its numerator or denominator is masked.
    """
    threshold = conf.mask_threshold() if threshold is None else threshold
    node = lattice_node(row, territory, fixed or {}) if masked and secondary else None
    values, hidden = {}, []
    for measure in family.measures:
        if measure.is_rate:
            continue
        value = row.get(measure.name) or 0
        if masked and (value < threshold or (node and mask_key(measure.name, node) in secondary)):
            values[measure.name] = None
            hidden.append(measure.name)
        else:
            values[measure.name] = value
    for measure in family.measures:
        if not measure.is_rate:
            continue
        num, den = row.get(measure.numerator) or 0, row.get(measure.denominator) or 0
        if measure.numerator in hidden or measure.denominator in hidden:
            values[measure.name] = None
            hidden.append(measure.name)
        else:
            values[measure.name] = round(100 * num / den, 1) if den else None
    return {
        "territoire_niveau": territory,
        "territoire_code": str(row.get("territoire_code", "")),
        "territoire_nom": row.get("territoire_nom", ""),
        "voie": row.get("g_voie"),
        "niveau": row.get("g_niveau"),
        "annee": row.get("g_annee"),
        "valeurs": values,
        "masquees": hidden,
    }


def is_summary(family: Family, queryset) -> bool:
    return family.summary is not None and queryset.model is family.summary().model


def lattice_node(row: dict, territory: str | None, fixed: dict) -> str:
    """The row's node in the suppression lattice (reports.suppression)."""
    level = fixed.get("territoire_niveau", territory)
    code = fixed.get("territoire_code", row.get("territoire_code", ""))
    dims = [
        row[f"g_{dim}"] if f"g_{dim}" in row else fixed.get(dim, STAR)
        for dim in (Dimension.VOIE, Dimension.NIVEAU, Dimension.ANNEE)
    ]
    return node_key(level, code, *dims)


def scoped(family: Family, user, *, live: bool = False) -> models.QuerySet:
    """The family's rows whose school lies in the active role's scope: its precomputed rows
    once they exist (see reports.summary), else — or with `live` — the base rows."""
    role = getattr(user, "active_role", None)
    rows = source(family, live=live)
    if role is None:
        return rows.none()
    return rows.filter(role.school_q(f"{family.school}__"))


def source(family: Family, *, live: bool = False) -> models.QuerySet:
    if not live and family.summary is not None:
        from .models import IndicatorRefresh

        if IndicatorRefresh.objects.filter(family=family.slug).exists():
            return family.summary()
    return family.base()
