from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode

from accounts.perms import SCOPED, access
from accounts.roles import REPORT_DASHBOARD_ROLES

from .api.views import ALLOWED_GROUPINGS
from .charts import bars, voie_label
from .enums import TerritoryLevel
from .forms import IndicatorPageForm
from .indicators import DROPOUTS, aggregate, families, get_family, present, scoped

MAX_PAGE_ROWS = 500


@access(SCOPED, nominative=False)
def indicators(request):
    """The indicators of the scope as a table with bars, and the same query as CSV."""
    role = request.user.active_role
    available = [f for f in families() if f.available()]
    levels = ALLOWED_GROUPINGS[role.scope_level]
    default_level = next(v for v in TerritoryLevel.values if v in levels)
    form = IndicatorPageForm(
        request.GET or None,
        families=available,
        levels=levels,
        initial={"famille": DROPOUTS.slug, "territoire": default_level},
    )
    family, territory, dims, year = DROPOUTS, default_level, ["voie"], None
    if form.is_bound and form.is_valid():
        family = get_family(form.cleaned_data["famille"])
        territory = form.cleaned_data["territoire"]
        dims = [form.cleaned_data["par"]] if form.cleaned_data["par"] else []
        year = form.cleaned_data["annee"]
    qs = scoped(family, request.user)
    if year:
        qs = qs.filter(**{family.year: year})
    masked = not role.is_nominative
    rows = [
        present(family, r, territory=territory, masked=masked)
        for r in aggregate(family, qs, territory=territory, dimensions=dims)[:MAX_PAGE_ROWS]
    ]
    for row in rows:
        row["cells"] = [cell(m, row) for m in family.measures]
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
            "csv_query": urlencode(params),
            "truncated": len(rows) == MAX_PAGE_ROWS,
        },
    )


def cell(measure, row) -> str:
    value = row["valeurs"].get(measure.name)
    if value is None:
        return "< 5" if measure.name in row["masquees"] else "—"
    if measure.is_rate:
        return f"{value:.1f} %".replace(".", ",")
    return str(value)


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
    rows = [
        present(DROPOUTS, r, territory=level, masked=masked)
        for r in aggregate(
            DROPOUTS, scoped(DROPOUTS, request.user), territory=level, dimensions=["annee", "voie"]
        )
    ]
    latest = max((r["annee"] for r in rows), default=None)
    recent = [r for r in rows if r["annee"] == latest]
    trend = [
        present(DROPOUTS, r, territory=level, masked=masked)
        for r in aggregate(
            DROPOUTS, scoped(DROPOUTS, request.user), territory=level, dimensions=["annee"]
        )  # fmt: skip
    ]
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
        },
        request=request,
    )
