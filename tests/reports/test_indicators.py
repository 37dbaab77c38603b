"""Indicator values against a hand computation on a crafted world."""

import pytest

from reports.enums import TerritoryLevel
from reports.indicators import DROPOUTS, aggregate, present
from students.models import Enrolment

from .conftest import expected_by

pytestmark = pytest.mark.django_db


def enrolments():
    return list(
        Enrolment.objects.select_related("student", "school__bassin", "school__departement")
    )


def test_dropouts_by_school_voie_level_year_match_the_hand_count(dropouts):
    rows = aggregate(DROPOUTS, Enrolment.objects.all())
    got = {
        (r["territoire_code"], r["g_voie"], r["g_niveau"], r["g_annee"]): (
            r["effectif"],
            r["decrocheurs"],
        )
        for r in rows
    }
    expected = expected_by(lambda e: (e.school.uai, e.voie, e.level, e.school_year), enrolments())
    assert got == expected
    assert sum(d for _, d in expected.values()) > 0


@pytest.mark.parametrize(
    ("level", "key"),
    [
        (TerritoryLevel.ACADEMIE, lambda e: e.school.departement.academie.code),
        (TerritoryLevel.DEPARTEMENT, lambda e: e.school.departement.code),
        (TerritoryLevel.BASSIN, lambda e: e.school.bassin.code),
    ],
)
def test_territory_levels_match_the_hand_count(dropouts, level, key):
    rows = aggregate(DROPOUTS, Enrolment.objects.all(), territory=level, dimensions=["voie"])
    got = {(r["territoire_code"], r["g_voie"]): (r["effectif"], r["decrocheurs"]) for r in rows}
    assert got == expected_by(lambda e: (key(e), e.voie), enrolments())


def test_network_level_counts_member_schools_only(dropouts):
    members = set(dropouts.network.schools.values_list("pk", flat=True))
    rows = list(aggregate(DROPOUTS, Enrolment.objects.all(), territory="reseau", dimensions=[]))
    assert [r["territoire_code"] for r in rows] == [dropouts.network.public_id]
    expected = expected_by(lambda e: e.school_id in members, enrolments())[True]
    assert (rows[0]["effectif"], rows[0]["decrocheurs"]) == expected


def test_reenrolled_under_16_and_apprenticeship_are_not_dropouts(dropouts):
    rows = aggregate(DROPOUTS, Enrolment.objects.filter(school=dropouts.school_a), dimensions=[])
    [row] = rows
    # School A: 3 abandons + 1 job + the 2GT unrecorded exit; the re-enrolled pupil, the
    # 15-year-old and the pupil who changed school do not count.
    mine = [e for e in enrolments() if e.school_id == dropouts.school_a.pk]
    assert row["effectif"] == len(mine)
    by_hand = expected_by(lambda e: e.school_id, enrolments())[dropouts.school_a.pk]
    assert (row["effectif"], row["decrocheurs"]) == by_hand
    assert by_hand[1] < sum(1 for e in mine if e.exit_date)


def test_end_of_cycle_leavers_without_diploma_are_dropouts_siei_domain_4_10_and_4_17(dropouts):
    """SIEI (domain.md §4.10) and §4.17: leaving at the end of the cycle without the diploma
    (an ajourné who does not come back, or no passed result known) is leaving without a
    diploma; a CAP passed at the session closing the year (or earlier) is not a dropout."""
    [row] = aggregate(
        DROPOUTS,
        Enrolment.objects.filter(school=dropouts.school_a, exit_reason="fin_cycle"),
        dimensions=[],
    )
    # 6 end-of-cycle leavers: no result, ajourné 2025, passed only in 2026 → dropouts;
    # admis 2025, admis after the second group 2025, admis 2023 → not.
    assert (row["effectif"], row["decrocheurs"]) == (6, 3)
    [everything] = aggregate(
        DROPOUTS, Enrolment.objects.filter(school=dropouts.school_a), dimensions=[]
    )
    by_hand = expected_by(lambda e: e.school_id, enrolments())[dropouts.school_a.pk]
    assert everything["decrocheurs"] == by_hand[1]


def test_masking_hides_counts_under_five_and_rates_built_on_them():
    row = {"territoire_code": "0770001A", "territoire_nom": "X", "effectif": 12, "decrocheurs": 3}
    shown = present(DROPOUTS, row, territory="etablissement", masked=True)
    assert shown["valeurs"] == {"effectif": 12, "decrocheurs": None, "taux_decrochage": None}
    assert set(shown["masquees"]) == {"decrocheurs", "taux_decrochage"}
    clear = present(DROPOUTS, row, territory="etablissement", masked=False)
    assert clear["valeurs"] == {"effectif": 12, "decrocheurs": 3, "taux_decrochage": 25.0}
    zero = {**row, "decrocheurs": 0}
    assert (
        present(DROPOUTS, zero, territory="etablissement", masked=True)["valeurs"]["decrocheurs"]
        is None
    )
    big = {**row, "decrocheurs": 5}
    assert present(DROPOUTS, big, territory="etablissement", masked=True)["valeurs"] == {
        "effectif": 12,
        "decrocheurs": 5,
        "taux_decrochage": round(100 * 5 / 12, 1),
    }
