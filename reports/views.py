from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.perms import SCOPED, access
from accounts.roles import ACADEMIE_REVIEW_ROLES, REPORT_DASHBOARD_ROLES
from students.rules import school_year_of

from . import summary
from .api.views import ALLOWED_GROUPINGS
from .charts import bars, format_count, format_rate, level_label, voie_label
from .enums import TerritoryLevel
from .forms import IndicatorPageForm
from .indicators import DROPOUTS, aggregate, families, get_family, is_summary, present, scoped

MAX_PAGE_ROWS = 500


@access(SCOPED, nominative=False)
def indicators(request):
    """The indicators of the scope as a table with bars, and the same query as CSV."""
    role = request.user.active_role
    available = [f for f in families() if f.available()]
    levels = ALLOWED_GROUPINGS[role.scope_level]
    default_level = next(v for v in TerritoryLevel.values if v in levels)
    wanted = get_family(request.GET.get("famille", "")) if "famille" in request.GET else None
    family = wanted if wanted in available else DROPOUTS
    years = _years(family, request.user)
    form = IndicatorPageForm(
        request.GET or None,
        families=available,
        levels=levels,
        years=years,
        initial={
            "famille": DROPOUTS.slug,
            "territoire": default_level,
            "par": "voie",
            "annee": _default_year(years),
        },
    )
    territory, dims, year = default_level, ["voie"], _default_year(years)
    if form.is_bound and form.is_valid():
        family = get_family(form.cleaned_data["famille"])
        territory = form.cleaned_data["territoire"]
        dims = [form.cleaned_data["par"]] if form.cleaned_data["par"] else []
        year = form.cleaned_data["annee"]
    qs = scoped(family, request.user)
    if year:
        qs = qs.filter(**{family.year: year})
    masked = not role.is_nominative
    refresh = summary.latest_refresh(family.slug) if is_summary(family, qs) else None
    secondary = summary.masks_for(refresh) if masked else frozenset()
    fixed = {"annee": year} if year else {}
    rows = [
        present(family, r, territory=territory, masked=masked, secondary=secondary, fixed=fixed)
        for r in aggregate(family, qs, territory=territory, dimensions=dims)[:MAX_PAGE_ROWS]
    ]
    for row in rows:
        row["cells"] = [cell(m, row) for m in family.measures]
        row["voie_label"] = voie_label(row["voie"]) if row.get("voie") else "—"
        row["niveau_label"] = level_label(row["niveau"]) if row.get("niveau") else "—"
        shown_year = row.get("annee") or year
        row["annee_label"] = f"{shown_year}-{shown_year + 1}" if shown_year else "—"
    params = {"territoire": territory, "par": ",".join(dims)}
    if year:
        params["annee"] = year
    return render(
        request,
        "reports/indicators.html",
        {
            "form": form,
            "family": family,
            "rows": rows,
            "measures": family.measures,
            "masked": masked,
            "refresh": refresh,
            "can_refresh": refresh is not None and role.role in ACADEMIE_REVIEW_ROLES,
            "csv_query": urlencode(params),
            "truncated": len(rows) == MAX_PAGE_ROWS,
        },
    )


def _years(family, user) -> list[int]:
    """School years with figures in the scope, latest first (the year list of the form)."""
    values = scoped(family, user).values_list(family.year, flat=True).distinct()
    return sorted({y for y in values if y}, reverse=True)


def _default_year(years: list[int]) -> int | None:
    """The school year running today when it has figures, else the latest that has."""
    current = school_year_of(timezone.localdate())
    if current in years:
        return current
    return next((y for y in years if y <= current), years[0] if years else None)


def cell(measure, row) -> str:
    value = row["valeurs"].get(measure.name)
    if value is None:
        return "< 5" if measure.name in row["masquees"] else "—"
    if measure.is_rate:
        return format_rate(value)
    return format_count(value)


def dashboard_panel(request) -> str:
    """Steering roles: the dropout rate of their scope by voie, per school year, as bars."""
    role = request.user.active_role
    if role is None or role.role not in REPORT_DASHBOARD_ROLES:
        return ""
    masked = not role.is_nominative
    level = {
        "academie": TerritoryLevel.ACADEMIE,
        "departement": TerritoryLevel.DEPARTEMENT,
        "bassin": TerritoryLevel.BASSIN,
    }.get(role.scope_level, TerritoryLevel.ETABLISSEMENT)
    source = scoped(DROPOUTS, request.user)
    refresh = summary.latest_refresh(DROPOUTS.slug) if is_summary(DROPOUTS, source) else None
    secondary = summary.masks_for(refresh) if masked else frozenset()

    def show(dims):
        return [
            present(DROPOUTS, r, territory=level, masked=masked, secondary=secondary)
            for r in aggregate(DROPOUTS, source, territory=level, dimensions=dims)
        ]

    rows = show(["annee", "voie"])
    latest = max((r["annee"] for r in rows), default=None)
    recent = [r for r in rows if r["annee"] == latest]
    trend = show(["annee"])
    return render_to_string(
        "reports/_dashboard.html",
        {
            "latest": latest,
            "by_voie": bars(
                recent,
                measure="taux_decrochage",
                label=lambda r: f"{r['territoire_nom']} — {voie_label(r['voie'])}",
            ),
            "trend": bars(
                trend,
                measure="taux_decrochage",
                label=lambda r: f"{r['territoire_nom']} {r['annee']}-{r['annee'] + 1}",
            ),
            "masked": masked,
            "refresh": refresh,
            "can_refresh": False,
        },
        request=request,
    )


@access(SCOPED, roles=ACADEMIE_REVIEW_ROLES, nominative=False)
@require_POST
def refresh_figures(request):
    """On demand: queue an incremental refresh of the precomputed figures."""
    from kombu.exceptions import OperationalError

    from .tasks import refresh_indicators_task

    try:
        refresh_indicators_task.delay()
    except OperationalError:
        messages.error(
            request,
            "La file des tâches est indisponible : la mise à jour n'a pas pu être demandée. "
            "Les chiffres affichés restent ceux de la dernière mise à jour ; réessayez plus tard.",
        )
    else:
        messages.success(
            request,
            "Mise à jour des chiffres demandée : elle prend quelques minutes, la date affichée "
            "changera une fois terminée.",
        )
    return redirect("reports:indicators")
