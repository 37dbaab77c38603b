import io

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from prevention.services import compute_flags

from .factories import (
    AbsenceFactory,
    CollegienFactory,
    DerogatoireFactory,
    PafiFactory,
    ReviewFactory,
    TdoFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@override_settings(ACADEMIE_NAME="Académie de Créteil")
def test_contract_and_pedagogical_document(pworld, client_for):
    w = pworld
    path = DerogatoireFactory(
        student__current_school=w.school_a,
        student__last_name="Lefèvre",
        student__first_name="Chloé",
        signed=True,
    )
    client = client_for(w.users.referent_a)
    reader, text = pdf_text(
        client.get(reverse("prevention:derogatoire_pdf", args=[path.public_id, "contrat"]))
    )
    assert "Académie de Créteil" in text
    assert "LEFÈVRE" in text and "Chloé" in text
    assert "Assiduité complète au collège" in text
    assert "Le chef d'établissement" in text and "Signé le 10/11/2025" in text
    assert "Page 1 sur" in text
    reader, text = pdf_text(
        client.get(
            reverse("prevention:derogatoire_pdf", args=[path.public_id, "document-pedagogique"])
        )
    )
    assert "sous le timbre de l'IEN-IO" in text and "Décision de l'IA-DASEN" in text
    url = reverse("prevention:derogatoire_pdf", args=[path.public_id, "contrat"])
    assert client_for(w.users.chef_d).get(url).status_code == 404
    assert client_for(w.users.ienio1).get(url).status_code == 404  # still a draft
    assert client.get(url.replace("contrat", "autre")).status_code == 404


def test_api_resources_are_scoped(pworld, api_for):
    w = pworld
    mine = CollegienFactory(current_school=w.school_a)
    AbsenceFactory(student=mine, half_days_missed=20)
    theirs = CollegienFactory(current_school=w.school_d)
    AbsenceFactory(student=theirs, half_days_missed=20)
    compute_flags()
    ReviewFactory(student=mine, meeting__school=w.school_a)
    sent = DerogatoireFactory(student=mine, transmitted=True)
    DerogatoireFactory(student=theirs, transmitted=True)
    PafiFactory(student=mine)
    TdoFactory(student=mine)
    api = api_for(w.users.referent_a)
    flags = api.get("/api/v1/prevention/signaux/").json()["results"]
    assert {f["student_id"] for f in flags} == {str(mine.public_id)}
    assert len(api.get("/api/v1/prevention/decisions-gpds/").json()["results"]) == 1
    for resource in ("pafi", "parcours-derogatoires", "tous-droits-ouverts"):
        rows = api.get(f"/api/v1/prevention/{resource}/").json()["results"]
        assert [r["student_id"] for r in rows] == [str(mine.public_id)], resource
    ien = api_for(w.users.ienio1)
    rows = ien.get("/api/v1/prevention/parcours-derogatoires/").json()["results"]
    assert [r["id"] for r in rows] == [str(sent.public_id)] and rows[0]["priority"] is True
    assert ien.get("/api/v1/prevention/pafi/").json()["results"] == []  # still a project
    assert ien.get("/api/v1/prevention/signaux/").status_code == 404
    assert ien.get("/api/v1/prevention/tous-droits-ouverts/").status_code == 404
    for user in (w.users.pilot, w.users.norole):
        assert api_for(user).get("/api/v1/prevention/signaux/").status_code == 404
    other = api_for(w.users.chef_d)
    assert other.get(f"/api/v1/prevention/parcours-derogatoires/{sent.public_id}/").status_code == (
        404
    )


def test_api_list_query_count_is_constant(pworld, api_for):
    w = pworld
    api = api_for(w.users.referent_a)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url).status_code == 200
        return len(ctx)

    DerogatoireFactory.create_batch(2, student__current_school=w.school_a)
    for _ in range(2):
        AbsenceFactory(student__current_school=w.school_a, half_days_missed=20)
    compute_flags()
    urls = ["/api/v1/prevention/parcours-derogatoires/", "/api/v1/prevention/signaux/"]
    few = [count(u) for u in urls]
    DerogatoireFactory.create_batch(12, student__current_school=w.school_a)
    for _ in range(12):
        AbsenceFactory(student__current_school=w.school_a, half_days_missed=20)
    compute_flags()
    assert [count(u) for u in urls] == few
