"""Precomputed steering figures: the same as the live computation on the same data, their
freshness stated, kept current incrementally; and small cells that no subtraction recovers."""

import io
import random
import re
from itertools import combinations

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.enums import TerritoryLevel
from reports.indicators import DROPOUTS, aggregate, present, scoped
from reports.models import DropoutCell, IndicatorRefresh
from reports.summary import refresh_dropouts
from students.enums import Level
from territories.enums import Voie

from .factories import EnrolmentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicateurs/decrochage/"
DIMS = ("voie", "niveau", "annee")
PARS = ["", *[",".join(c) for n in (1, 2, 3) for c in combinations(DIMS, n)]]


def all_rows(api, params) -> list[dict]:
    response = api.get(URL, {**params, "page_size": 1000})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return body["results"]


def live_rows(user, territory, par) -> list[dict]:
    """The reference: the indicator computed from the enrolments, as before precomputation."""
    dims = [d for d in par.split(",") if d]
    rows = aggregate(
        DROPOUTS, scoped(DROPOUTS, user, live=True), territory=territory, dimensions=dims
    )
    return [present(DROPOUTS, r, territory=territory, masked=False) for r in rows]


def test_precomputed_figures_equal_the_live_computation(dropouts, api_for):
    refresh = refresh_dropouts(full=True)
    assert DropoutCell.objects.exists() and refresh.full
    user = dropouts.users.dasen1
    api = api_for(user)
    for territory in ("departement", "bassin", "reseau", "etablissement"):
        for par in PARS:
            published = all_rows(api, {"territoire": territory, "par": par})
            assert published == live_rows(user, territory, par), (territory, par)
    assert api.get(URL).json()["chiffres_au"] is not None


def test_incremental_refresh_follows_new_enrolments_and_the_page_says_when(
    dropouts, api_for, client_for
):
    refresh_dropouts(full=True)
    user = dropouts.users.cio1
    before = live_rows(user, "etablissement", "annee")
    # A dropout of school A comes back the next year in school B: no longer a dropout.
    left = EnrolmentFactory(
        student__current_school=dropouts.school_a, school=dropouts.school_a, abandon=True
    )
    EnrolmentFactory(student=left.student, school=dropouts.school_b, school_year=2025)
    EnrolmentFactory.create_batch(
        3, student__current_school=dropouts.school_b, school=dropouts.school_b, abandon=True
    )
    api = api_for(user)
    params = {"territoire": "etablissement", "par": "annee"}
    assert all_rows(api, params) == before  # not yet refreshed: the figures of the last refresh
    refresh = refresh_dropouts()
    assert not refresh.full and refresh.cells_rewritten < DropoutCell.objects.count()
    now = live_rows(user, "etablissement", "annee")
    assert now != before and all_rows(api, params) == now
    home = client_for(user).get("/").text
    stamp = refresh.refreshed_at.astimezone().strftime("%d/%m/%Y %H:%M")
    assert f"Chiffres au {stamp}" in home


def test_figures_are_computed_live_until_the_first_refresh(dropouts, client_for):
    page = client_for(dropouts.users.pilot).get(reverse("reports:indicators")).text
    assert "Chiffres calculés à l'instant" in page
    out = io.StringIO()
    call_command("refresh_indicators", "--complet", stdout=out)
    assert "cellules recalculées" in out.getvalue()
    page = client_for(dropouts.users.pilot).get(reverse("reports:indicators")).text
    assert re.search(r"Chiffres au \d\d/\d\d/\d{4} \d\d:\d\d", page)


def test_on_demand_refresh_is_for_steering_roles(dropouts, client_for):
    refresh_dropouts(full=True)
    url = reverse("reports:refresh")
    assert client_for(dropouts.users.chef_a).post(url).status_code == 404
    before = IndicatorRefresh.objects.get().refreshed_at
    response = client_for(dropouts.users.pilot).post(url, follow=True)
    assert response.status_code == 200 and "Mise à jour des chiffres demandée" in response.text
    assert IndicatorRefresh.objects.get().refreshed_at > before


# --- secondary suppression -------------------------------------------------------------------


@pytest.fixture
def mixed(dropouts):
    """Cells of every size over two years, two voies and two levels per school."""
    rng = random.Random(20261201)
    plan = [(Voie.PROFESSIONNELLE, Level.SECONDE_PRO), (Voie.PROFESSIONNELLE, Level.PREMIERE_PRO)]
    plan += [(Voie.GENERALE, Level.SECONDE_GT), (Voie.GENERALE, Level.PREMIERE_G)]
    for school in (dropouts.school_a, dropouts.school_b, dropouts.school_c, dropouts.school_d):
        for voie, level in plan:
            for year in (2023, 2024):
                size = rng.choice([0, 1, 3, 6, 9, 14])
                dropped = rng.randint(0, size)
                for i in range(size):
                    EnrolmentFactory(
                        student__current_school=school,
                        school=school,
                        voie=voie,
                        level=level,
                        school_year=year,
                        abandon=i < dropped,
                    )
    return dropouts


def territory_parents(world) -> dict[tuple, tuple]:
    """(level, code) -> every (level, code) that contains it."""
    up = {}
    for s in (world.school_a, world.school_b, world.school_c, world.school_d):
        places = [
            ("bassin", s.bassin.code),
            ("departement", s.departement.code),
            ("academie", s.departement.academie.code),
        ]
        if s in (world.school_a, world.school_c):
            places.append(("reseau", str(world.network.public_id)))
        up[("etablissement", s.uai)] = places
        up[("bassin", s.bassin.code)] = places[1:3]
        up[("departement", s.departement.code)] = places[2:3]
    return up


def published_tables(api) -> dict[tuple, dict[tuple, dict]]:
    """Every table a masked reader can ask for: (level, dims) -> node -> {measure: value}."""
    tables = {}
    for level in TerritoryLevel.values:
        for par in PARS:
            dims = tuple(d for d in par.split(",") if d)
            rows = {}
            for r in all_rows(api, {"territoire": level, "par": par}):
                key = tuple(r[d] if d in dims else "*" for d in DIMS)
                rows[(level, r["territoire_code"], *key)] = r["valeurs"]
            tables[(level, dims)] = rows
    return tables


def recover(tables, up, measure) -> dict[tuple, int]:
    """The attacker: subtract along every margin (one hidden term, or hidden terms whose sum
    is zero), again and again with what was recovered, and return what came out."""
    known = {}
    for rows in tables.values():
        for node, values in rows.items():
            known[node] = values[measure]
    equations = []
    for (level, dims), rows in tables.items():
        for dim in DIMS:
            if dim in dims:
                continue
            finer = tables[(level, tuple(d for d in DIMS if d in dims or d == dim))]
            i = 2 + DIMS.index(dim)
            for parent in rows:
                kids = [n for n in finer if n[:i] == parent[:i] and n[i + 1 :] == parent[i + 1 :]]
                equations.append((parent, kids))
        for fine_level in TerritoryLevel.values:
            finer = tables[(fine_level, dims)]
            for parent in rows:
                kids = [n for n in finer if parent[:2] in up.get(n[:2], ()) and n[2:] == parent[2:]]
                if kids:
                    equations.append((parent, kids))
    recovered = {}
    progress = True
    while progress:
        progress = False
        for parent, kids in equations:
            hidden = [k for k in kids if known[k] is None]
            if known[parent] is None:
                if not hidden and kids:
                    known[parent] = recovered[parent] = sum(known[k] for k in kids)
                    progress = True
                continue
            rest = known[parent] - sum(known[k] for k in kids if known[k] is not None)
            if len(hidden) == 1 or (hidden and rest == 0):
                for k in hidden:
                    known[k] = recovered[k] = rest if len(hidden) == 1 else 0
                progress = True
    return recovered


def test_no_masked_cell_is_recovered_by_subtraction(mixed, key_api):
    refresh = refresh_dropouts(full=True)
    assert refresh.secondary_masks  # primary masking alone would have been defeated
    _, api = key_api(academie=mixed.academie)
    tables = published_tables(api)
    up = territory_parents(mixed)
    for measure in ("effectif", "decrocheurs"):
        hidden = [n for rows in tables.values() for n, v in rows.items() if v[measure] is None]
        shown = [n for rows in tables.values() for n, v in rows.items() if v[measure] is not None]
        assert hidden and shown, measure
        assert recover(tables, up, measure) == {}, measure
    # What is published is exact: the nominative reader sees the same figures unmasked.
    _, full = key_api(academie=mixed.academie, rights="lecture_nominative", name="BI nominatif")
    for row, exact in zip(
        all_rows(api, {"territoire": "etablissement", "par": "voie,annee"}),
        all_rows(full, {"territoire": "etablissement", "par": "voie,annee"}),
        strict=True,
    ):
        for measure, value in row["valeurs"].items():
            assert value is None or value == exact["valeurs"][measure]


def test_primary_masking_alone_is_defeated_on_the_same_data(mixed, key_api):
    """The same attacker against primary masking only (the figures before this change)."""
    refresh = refresh_dropouts(full=True)
    IndicatorRefresh.objects.filter(pk=refresh.pk).update(secondary_masks=[])
    _, api = key_api(academie=mixed.academie)
    tables = published_tables(api)
    up = territory_parents(mixed)
    assert recover(tables, up, "decrocheurs") or recover(tables, up, "effectif")


def test_masked_readers_cannot_ask_for_overlapping_cuts(mixed, key_api):
    refresh_dropouts(full=True)
    _, api = key_api(academie=mixed.academie)
    bad = [
        {"territoire": "departement", "etablissement": mixed.school_a.uai},
        {"territoire": "bassin", "reseau": str(mixed.network.public_id)},
        {"territoire": "etablissement", "par": "voie", "annee_min": 2023},
    ]
    for params in bad:
        response = api.get(URL, params)
        assert response.status_code == 400, params
        assert "masqu" in str(response.json())
    _, dep_key = key_api(departement=mixed.dep1, name="BI 77")
    assert dep_key.get(URL, {"territoire": "reseau"}).status_code == 400
    ok = api.get(URL, {"territoire": "etablissement", "departement": mixed.dep1.code})
    assert ok.status_code == 200
