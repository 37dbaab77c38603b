"""Journey 5 (PRODUCT.md): a report client with a département scope pulls dropout rates by voie
for its schools and nothing outside them; the network head sees the same figures on the
diagnosis page."""

import pytest
from django.urls import reverse

from reports.enums import ClientRights
from territories.enums import Voie

from ..foquale.test_diagnosis import school_voie_rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rights", [ClientRights.NOMINATIVE_READ, ClientRights.AGGREGATES])
def test_departement_client_and_network_head_see_the_same_rates(
    dropouts, key_api, client_for, rights
):
    _, api = key_api(rights=rights, departement=dropouts.dep1)
    response = api.get(
        "/api/v1/indicateurs/decrochage/",
        {"territoire": "etablissement", "par": "voie", "annee": 2024},
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    in_dep = {s.uai for s in (dropouts.school_a, dropouts.school_b, dropouts.school_c)}
    assert {r["territoire_code"] for r in rows} <= in_dep
    assert (
        dropouts.school_d.uai not in response.text and dropouts.school_d.name not in response.text
    )
    outside = api.get("/api/v1/indicateurs/decrochage/", {"etablissement": dropouts.school_d.uai})
    assert outside.status_code == 404

    page = client_for(dropouts.users.foquale).get(
        reverse("foquale:diagnosis", args=[dropouts.network.public_id]), {"annee": 2024}
    )
    shown = school_voie_rows(page.text)
    members = {dropouts.school_a.uai, dropouts.school_c.uai}
    compared = 0
    for row in rows:
        if row["territoire_code"] not in members:
            continue
        total, drop, rate = shown[(row["territoire_nom"], Voie(row["voie"]).label)]
        values = row["valeurs"]
        if values["taux_decrochage"] is not None:
            assert rate == f"{values['taux_decrochage']:.1f}".replace(".", ",") + "\u00a0%"
            compared += 1
        if values["effectif"] is not None:
            assert total == str(values["effectif"])
    assert compared >= 1
