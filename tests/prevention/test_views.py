import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from prevention.enums import DerogatoireStatus
from prevention.models import Derogatoire, GpdsReview
from prevention.services import compute_flags

from .factories import (
    AbsenceFactory,
    CollegienFactory,
    DerogatoireFactory,
    MeetingFactory,
    PafiFactory,
    ReviewFactory,
    TdoFactory,
)

pytestmark = pytest.mark.django_db


def status(client_for, user, url, method="get", data=None):
    return getattr(client_for(user), method)(url, data or {}).status_code


def test_board_shows_flagged_pupils_why_and_since_when(pworld, client_for):
    w = pworld
    s = CollegienFactory(current_school=w.school_a, last_name="Moreau")
    AbsenceFactory(student=s, month=dt.date(2025, 10, 1), half_days_missed=8)
    AbsenceFactory(student=s, month=dt.date(2025, 11, 1), half_days_missed=9)
    other = CollegienFactory(current_school=w.school_d, last_name="Lefort")
    AbsenceFactory(student=other, half_days_missed=20)
    compute_flags()
    text = client_for(w.users.referent_a).get(reverse("prevention:board")).text
    assert "MOREAU" in text and "LEFORT" not in text
    assert "Assiduité sous le seuil" in text and "octobre 2025" in text
    assert "jamais communiqués aux familles" in text
    assert "MOREAU" in client_for(w.users.cio1).get(reverse("prevention:board")).text


def test_signals_list_one_row_per_pupil_most_exposed_first(pworld, client_for):
    w = pworld
    one = CollegienFactory(current_school=w.school_a, last_name="Unsignal")
    AbsenceFactory(student=one, month=dt.date(2025, 11, 1), half_days_missed=9)
    many = CollegienFactory(current_school=w.school_a, last_name="Plusieurs")
    AbsenceFactory(student=many, month=dt.date(2025, 10, 1), half_days_missed=0)
    AbsenceFactory(
        student=many, month=dt.date(2025, 11, 1), half_days_missed=14, half_days_unjustified=6
    )
    compute_flags()
    client = client_for(w.users.referent_a)
    url = reverse("prevention:signals")
    text = client.get(url).text
    assert "signalaux" not in text and "signal(aux)" not in text
    assert text.count('data-testid="signal-row"') == 2
    assert text.index("PLUSIEURS") < text.index("UNSIGNAL")
    assert "2 élèves signalés" in text and " signaux)" in text
    only = client.get(url, {"motif": "non_justifiees"}).text
    assert "PLUSIEURS" in only and "UNSIGNAL" not in only
    assert "Assiduité sous le seuil" in only  # the pupil's other signals stay on the row
    for bad in ({"motif": "x"}, {"page": "-1"}, {"page": "zz"}):
        assert client.get(url, bad).status_code == 200
    few = count_queries(client, url)
    for _ in range(5):
        s = CollegienFactory(current_school=w.school_a)
        AbsenceFactory(student=s, half_days_missed=12, half_days_unjustified=5)
    compute_flags()
    assert count_queries(client, url) == few
    assert "UNSIGNAL" not in client_for(w.users.chef_d).get(url).text


@pytest.mark.parametrize(
    ("user", "code"),
    [
        ("referent_a", 200),
        ("chef_a", 200),
        ("cio1", 200),
        ("admin", 200),
        ("dasen1", 404),
        ("mlds1", 404),
        ("foquale", 404),
        ("pilot", 404),
        ("norole", 404),
    ],
)
def test_school_pages_by_role(pworld, client_for, user, code):
    u = getattr(pworld.users, user)
    for name in ("prevention:board", "prevention:signals", "prevention:gpds_list"):
        assert status(client_for, u, reverse(name)) == code, name


def test_student_page_personas_and_read_log(pworld, client_for):
    w = pworld
    s = CollegienFactory(current_school=w.school_a)
    url = reverse("prevention:student", args=[s.public_id])
    assert status(client_for, w.users.referent_a, url) == 200
    assert status(client_for, w.users.cio1, url) == 200
    for outsider in ("referent_b", "chef_d", "dasen1", "pilot", "norole"):
        assert status(client_for, getattr(w.users, outsider), url) == 404, outsider
    assert AccessLog.objects.filter(object_id=str(s.public_id)).count() == 2


def test_timeline_across_meetings(pworld, client_for):
    w = pworld
    s = CollegienFactory(current_school=w.school_a)
    ReviewFactory(student=s, meeting=MeetingFactory(school=w.school_a, date=dt.date(2025, 10, 9)))
    ReviewFactory(
        student=s,
        decision="ppre",
        meeting=MeetingFactory(school=w.school_a, date=dt.date(2025, 11, 13)),
    )
    text = client_for(w.users.referent_a).get(reverse("prevention:student", args=[s.public_id]))
    body = text.text
    assert body.index("09/10/2025") < body.index("13/11/2025")
    assert "GPDS : PPRE" in body


def test_meeting_and_review_by_the_school_only(pworld, client_for):
    w = pworld
    client = client_for(w.users.referent_a)
    response = client.post(
        reverse("prevention:gpds_list"), {"date": "2025-11-13", "members": "Mme Leroy, CPE"}
    )
    assert response.status_code == 302
    meeting_url = response["Location"]
    s = CollegienFactory(current_school=w.school_a)
    response = client.post(
        meeting_url,
        {
            "student": s.pk,
            "decision": "derogatoire",
            "in_charge": "M. Nguyen",
            "next_review_on": "2026-01-08",
        },
    )
    assert response.status_code == 302
    assert GpdsReview.objects.get().decision == "derogatoire"
    # bad input: inline French error, nothing stored
    response = client.post(meeting_url, {"student": s.pk, "decision": "ppre", "in_charge": "X"})
    assert response.status_code == 400 and "déjà été examiné" in response.text
    assert status(client_for, w.users.cio1, meeting_url) == 200
    assert "review-form" not in client_for(w.users.cio1).get(meeting_url).text
    assert status(client_for, w.users.cio1, meeting_url, "post", {"student": s.pk}) == 404
    assert status(client_for, w.users.referent_b, meeting_url) == 404
    assert status(client_for, w.users.norole, meeting_url) == 404
    assert GpdsReview.objects.count() == 1


def test_open_paths_from_the_pupil(pworld, client_for):
    w = pworld
    s = CollegienFactory(current_school=w.school_a, birth_date=dt.date(2011, 6, 1))
    client = client_for(w.users.referent_a)
    url = reverse("prevention:open_path", args=[s.public_id, "pafi"])
    response = client.post(
        url,
        {
            "planned_start": "2025-11-17",
            "planned_end": "2026-06-30",
            "objectives": "X",
            "activities": "Y",
        },
    )
    assert response.status_code == 400 and "au moins 15 ans" in response.text
    url = reverse("prevention:open_path", args=[s.public_id, "derogatoire"])
    response = client.post(
        url,
        {
            "planned_start": "2025-11-17",
            "planned_end": "2026-06-30",
            "exempted_teachings": "LV2",
            "alternation": "LP",
            "referent": "M. Nguyen",
        },
    )
    assert response.status_code == 302
    assert Derogatoire.objects.get().student == s
    assert status(client_for, w.users.cio1, url) == 404
    assert status(client_for, w.users.referent_b, url) == 404


def test_path_pages_personas(pworld, client_for):
    w = pworld
    draft = DerogatoireFactory(student__current_school=w.school_a)
    sent = DerogatoireFactory(student__current_school=w.school_a, transmitted=True)
    pafi = PafiFactory(student__current_school=w.school_a)
    tdo = TdoFactory(student__current_school=w.school_a)
    draft_url = reverse("prevention:derogatoire_detail", args=[draft.public_id])
    sent_url = reverse("prevention:derogatoire_detail", args=[sent.public_id])
    pafi_url = reverse("prevention:pafi_detail", args=[pafi.public_id])
    tdo_url = reverse("prevention:tdo_detail", args=[tdo.public_id])
    u = w.users
    for url in (draft_url, sent_url, pafi_url, tdo_url):
        assert status(client_for, u.referent_a, url) == 200
        assert status(client_for, u.cio1, url) == 200
        for outsider in (u.referent_b, u.chef_d, u.ienio2, u.pilot, u.norole, u.mlds1):
            assert status(client_for, outsider, url) == 404, (outsider, url)
    # The département sees what was sent to it, never a school's draft or a TDO.
    assert status(client_for, u.ienio1, sent_url) == 200
    assert status(client_for, u.dasen1, sent_url) == 200
    for url in (draft_url, pafi_url, tdo_url):
        assert status(client_for, u.ienio1, url) == 404
    # Readers cannot act.
    act = reverse("prevention:derogatoire_action", args=[draft.public_id, "transmettre"])
    assert status(client_for, u.cio1, act, "post") == 404
    assert status(client_for, u.ienio1, act, "post") == 404
    decide = reverse("prevention:derogatoire_action", args=[sent.public_id, "avis"])
    assert status(client_for, u.referent_a, decide, "post", {"avis-opinion": "favorable"}) == 404


def test_actions_refuse_in_french_and_keep_data(pworld, client_for):
    w = pworld
    path = DerogatoireFactory(student__current_school=w.school_a)
    client = client_for(w.users.referent_a)
    url = reverse("prevention:derogatoire_action", args=[path.public_id, "transmettre"])
    response = client.post(url)
    assert response.status_code == 400
    assert "Transmission impossible" in response.text
    assert "la signature du jeune" in response.text
    path.refresh_from_db()
    assert path.status == DerogatoireStatus.DRAFT
    url = reverse("prevention:derogatoire_action", args=[path.public_id, "objectif"])
    response = client.post(url, {"objectif-text": "Stage", "objectif-deadline": "2030-01-01"})
    assert response.status_code == 400 and "pendant le parcours" in response.text
    response = client.post(url, {"objectif-text": "", "objectif-deadline": "pas une date"})
    assert response.status_code == 400
    assert path.objectives.count() == 1
    url = reverse("prevention:derogatoire_action", args=[path.public_id, "inconnue"])
    assert client.post(url).status_code == 404


def test_validation_queue_personas_and_scope(pworld, client_for):
    w = pworld
    mine = DerogatoireFactory(student__current_school=w.school_a, transmitted=True)
    theirs = DerogatoireFactory(student__current_school=w.school_d, transmitted=True)
    DerogatoireFactory(student__current_school=w.school_a)  # draft: not shown
    url = reverse("prevention:validation_queue")
    text = client_for(w.users.ienio1).get(url).text
    assert str(mine.student) in text and str(theirs.student) not in text
    assert "À vous d&#x27;agir" in text or "À vous d'agir" in text
    assert str(theirs.student) in client_for(w.users.ienio2).get(url).text
    assert status(client_for, w.users.dasen1, url) == 200
    for user in ("referent_a", "cio1", "commission1", "pilot", "norole"):
        assert status(client_for, getattr(w.users, user), url) == 404


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_board_query_count_is_constant(pworld, client_for):
    w = pworld
    client = client_for(w.users.referent_a)
    url = reverse("prevention:board")

    def add(n):
        for _ in range(n):
            s = CollegienFactory(current_school=w.school_a)
            AbsenceFactory(student=s, half_days_missed=12, half_days_unjustified=5)
            ReviewFactory(student=s, meeting=MeetingFactory(school=w.school_a))
            DerogatoireFactory(student=s)
            TdoFactory(student=s)
        compute_flags()

    add(2)
    few = count_queries(client, url)
    add(12)
    assert count_queries(client, url) == few


def test_validation_queue_query_count_is_constant(pworld, client_for):
    w = pworld
    client = client_for(w.users.dasen1)
    url = reverse("prevention:validation_queue")
    DerogatoireFactory.create_batch(2, student__current_school=w.school_a, transmitted=True)
    PafiFactory.create_batch(2, student__current_school=w.school_a, status="soumis")
    few = count_queries(client, url)
    DerogatoireFactory.create_batch(15, student__current_school=w.school_c, transmitted=True)
    PafiFactory.create_batch(15, student__current_school=w.school_b, status="soumis")
    assert count_queries(client, url) == few


def test_path_detail_query_count_is_constant(pworld, client_for):
    from prevention import services

    w = pworld
    path = DerogatoireFactory(student__current_school=w.school_a)
    client = client_for(w.users.referent_a)
    url = reverse("prevention:derogatoire_detail", args=[path.public_id])
    few = count_queries(client, url)
    for i in range(10):
        services.add_objective(
            path=path, text=f"Objectif {i}", deadline=dt.date(2026, 1, 1), by=None
        )
    assert count_queries(client, url) == few


def test_dashboard_panels(pworld, client_for):
    w = pworld
    DerogatoireFactory(student__current_school=w.school_a, transmitted=True)
    assert "1 parcours attend" in client_for(w.users.ienio1).get("/").text
    assert "élève" in client_for(w.users.referent_a).get("/").text
    assert "Prévention du décrochage" not in client_for(w.users.pilot).get("/").text


def test_a_refusal_whose_form_is_not_on_the_page_still_shows_its_reason(pworld, client_for):
    """Starting a dérogatoire path before the IA-DASEN's validation: the start form is not on
    the draft's page, so the reason must show where the user is, at the top of the page."""
    w = pworld
    path = DerogatoireFactory(student__current_school=w.school_a)
    url = reverse("prevention:derogatoire_action", args=[path.public_id, "demarrer"])
    response = client_for(w.users.referent_a).post(url, {"demarrer-started_on": "2025-11-03"})
    assert response.status_code == 400
    assert "ne peut pas commencer sans la validation de l&#x27;IA-DASEN" in response.text
    path.refresh_from_db()
    assert path.status == DerogatoireStatus.DRAFT
