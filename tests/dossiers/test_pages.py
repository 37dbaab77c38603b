import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from dossiers import services
from dossiers.enums import BatchState, DecisionOutcome, DossierState, TrailKind
from dossiers.models import AccompanimentEntry, BatchJob, GeneratedDocument

from ..students.factories import LegalRepresentativeFactory
from .conftest import assign, pdf_text, walk
from .factories import CapacityFactory, DossierFactory, SessionFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"dossiers:{name}", args=args)


# --- personas ------------------------------------------------------------------------------


def test_dossier_page_personas(world, dossier, client_for):
    page = url("detail", dossier.public_id)
    for user in (world.users.chef_a, world.users.referent_a, world.users.cio1, world.users.dasen1):
        response = client_for(user).get(page)
        assert response.status_code == 200, user
        assert dossier.student.last_name.upper() in response.text
    for user in (
        world.users.chef_b,
        world.users.chef_d,
        world.users.dasen2,
        world.users.mlds1,  # only pupils without solution
        world.users.foquale,
        world.users.pilot,
        world.users.norole,
    ):
        assert client_for(user).get(page).status_code == 404, user
    assert AccessLog.objects.filter(object_id=str(dossier.student.public_id)).count() == 4


def test_reader_cannot_change_the_dossier(world, dossier, client_for):
    post = url("action", dossier.public_id, "record_entretien")
    data = {"record_entretien-held_on": "2025-07-08", "record_entretien-participants": "Élève"}
    for user in (world.users.cio1, world.users.dasen1, world.users.chef_d, world.users.norole):
        assert client_for(user).post(post, data).status_code == 404
    # The référent records the entretien but does not decide.
    assert client_for(world.users.referent_a).post(post, data).status_code == 302
    wish = url("action", dossier.public_id, "express_wish")
    assert (
        client_for(world.users.referent_a).post(wish, {"express_wish-wish": "refus"}).status_code
        == 404
    )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ENTRETIEN_REALISE


def test_transitions_from_the_page(world, dossier, client_for):
    client = client_for(world.users.chef_a)
    page = client.get(url("detail", dossier.public_id)).text
    assert "Enregistrer l&#x27;entretien de situation" in page or "Enregistrer l'entretien" in page
    r = client.post(
        url("action", dossier.public_id, "record_entretien"),
        {"record_entretien-held_on": "2025-07-03", "record_entretien-participants": "Élève"},
    )
    assert r.status_code == 409 and "avant le jour des résultats" in r.text
    r = client.post(
        url("action", dossier.public_id, "record_entretien"),
        {"record_entretien-held_on": "2025-07-08", "record_entretien-participants": "Élève, CPE"},
    )
    assert r.status_code == 302
    r = client.post(
        url("action", dossier.public_id, "record_entretien"),
        {
            "record_entretien-held_on": "2025-07-08",
            "record_entretien-participants": "Élève",
        },
    )
    assert r.status_code == 409  # double submit: refused, nothing recorded twice
    assert dossier.entretiens.count() == 1
    r = client.post(url("action", dossier.public_id, "express_wish"), {"express_wish-wish": "nope"})
    assert r.status_code == 400
    r = client.post(url("action", dossier.public_id, "unknown"), {})
    assert r.status_code == 404


def test_trail_entry_with_validation(world, dossier, client_for):
    client = client_for(world.users.referent_a)
    post = url("trail_add", dossier.public_id)
    r = client.post(post, {"kind": "contact", "channel": "telephone", "occurred_on": "2025-07-08"})
    assert r.status_code == 400 and "Indiquez si la personne a été jointe" in r.text
    r = client.post(
        post, {"kind": "invitation", "channel": "courrier", "occurred_on": "2025-07-01"}
    )
    assert r.status_code == 400 and "antérieure au jour des résultats" in r.text
    r = client.post(
        post,
        {"kind": "contact", "channel": "telephone", "occurred_on": "2025-07-08", "reached": "non"},
    )
    assert r.status_code == 302
    assert AccompanimentEntry.objects.get().reached is False


def test_list_shows_priority_state_next_step_and_overdue(world, client_for, on_day):
    on_day(dt.date(2025, 7, 9))
    late = DossierFactory(
        student__current_school=world.school_a, student__last_name="Retard", average=4
    )
    late.sync_deadlines()
    DossierFactory(student__current_school=world.school_b, student__last_name="Ailleurs")
    on_day(dt.date(2025, 7, 20))
    text = client_for(world.users.chef_a).get(url("list")).text
    assert "RETARD" in text and "AILLEURS" not in text
    assert "En retard" in text and "Planifier l&#x27;entretien de situation" in text
    assert "moyenne générale croissante" in text
    overdue = client_for(world.users.chef_a).get(url("list"), {"overdue": "1"}).text
    assert "RETARD" in overdue


def test_list_colours_the_deadline_cell_and_the_stage_and_searches_by_name(
    world, client_for, on_day
):
    import re

    on_day(dt.date(2025, 7, 9))
    late = DossierFactory(student__current_school=world.school_a, student__last_name="Retard")
    late.sync_deadlines()
    decided = DossierFactory(student__current_school=world.school_a, student__last_name="Decide")
    walk(decided, world.users.chef_a, "reinscrit")
    on_day(dt.date(2025, 7, 20))
    chef = client_for(world.users.chef_a)
    text = chef.get(url("list")).text
    # Only the deadline cell is coloured, never the whole row.
    assert '<tr data-testid="dossier-row">' in text and 'class="overdue"' in text
    assert re.search(r'data-testid="deadline-cell" class="overdue">[^<]*14/07/2025', text)
    # Badges coloured by stage: an interview to hold is not a decision taken.
    assert re.search(r"fr-badge--new[^>]*>Dossier remis<", text)
    assert re.search(r"fr-badge--success[^>]*>Réinscrit", text)
    # One school: no school column nor filter.
    assert "Établissement</th>" not in text and 'name="school"' not in text
    cio = client_for(world.users.cio1).get(url("list")).text
    assert "Établissement</th>" in cio and 'name="school"' in cio
    found = chef.get(url("list"), {"q": "retar"}).text
    assert "RETARD" in found and "DECIDE" not in found
    for hostile in ("x" * 500, "%00'\"", "é ü"):
        response = chef.get(url("list"), {"q": hostile, "state": "nope", "school": "abc"})
        assert response.status_code == 200


def test_list_query_count_is_constant(world, client_for, frozen):
    client = client_for(world.users.chef_a)
    DossierFactory.create_batch(2, student__current_school=world.school_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("list")).status_code == 200
    DossierFactory.create_batch(30, student__current_school=world.school_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url("list"))
    assert len(few) == len(many)


def test_detail_query_count_is_constant(world, client_for, frozen):
    d = DossierFactory(student__current_school=world.school_a)
    client = client_for(world.users.chef_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url("detail", d.public_id))
    for day in (5, 6, 7):
        d.trail.create(
            kind=TrailKind.INVITATION, channel="courrier", occurred_on=dt.date(2025, 7, day)
        )
    walk(d, world.users.chef_a, "reinscrit")
    with CaptureQueriesContext(connection) as many:
        client.get(url("detail", d.public_id))
    assert len(many) == len(few)


def test_invite_all_and_outsiders(world, client_for, frozen):
    DossierFactory.create_batch(3, student__current_school=world.school_a)
    DossierFactory(student__current_school=world.school_b)
    r = client_for(world.users.chef_a).post(url("invite_all"), {"channel": "courrier"})
    assert r.status_code == 302
    assert AccompanimentEntry.objects.filter(kind=TrailKind.INVITATION).count() == 3
    for user in (world.users.referent_a, world.users.cio1, world.users.norole):
        assert client_for(user).post(url("invite_all"), {"channel": "courrier"}).status_code == 404


def test_cio_caseload_counts_per_school_and_lists_late(world, client_for, on_day):
    on_day(dt.date(2025, 7, 9))
    DossierFactory(student__current_school=world.school_a, student__last_name="Sansentretien")
    d = DossierFactory(student__current_school=world.school_b)
    walk(d, world.users.chef_b, "entretien_realise")
    DossierFactory(student__current_school=world.school_c, student__last_name="Horsbassin")
    on_day(dt.date(2025, 7, 20))
    client = client_for(world.users.cio1)
    r = client.get(url("cio"))
    assert r.status_code == 200
    assert "Lycée Léonard de Vinci" in r.text and "Lycée Jacques Amyot" in r.text
    assert "SANSENTRETIEN" in r.text and "HORSBASSIN" not in r.text
    header = r.text[r.text.index('data-testid="caseload"') :]
    header = header[: header.index("</thead>")]
    columns = ["Total", "Sans entretien après", "Entretien à tenir", "Décision à prendre"]
    positions = [header.index(c) for c in columns]
    assert positions == sorted(positions)
    assert header.count('<th scope="col">') == 7  # school, total, late, four stages
    for user in (world.users.chef_a, world.users.dasen1, world.users.pilot, world.users.norole):
        assert client_for(user).get(url("cio")).status_code == 404


def test_cio_caseload_query_count_is_constant(world, client_for, frozen):
    from ..territories.factories import EtablissementFactory

    client = client_for(world.users.cio1)
    DossierFactory(student__current_school=world.school_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url("cio"))
    for _ in range(5):
        school = EtablissementFactory(bassin=world.bassin1)
        DossierFactory.create_batch(3, student__current_school=school)
        DossierFactory(student__current_school=school, without_solution=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url("cio"))
    assert len(few) == len(many)


def test_sans_solution_page(world, client_for, frozen):
    DossierFactory(
        student__current_school=world.school_a, without_solution=True, student__last_name="Perdu"
    )
    DossierFactory(student__current_school=world.school_a, student__last_name="Suivi")
    for user in (world.users.chef_a, world.users.mlds1, world.users.cio1, world.users.dasen1):
        text = client_for(user).get(url("sans_solution")).text
        assert "PERDU" in text and "SUIVI" not in text, user
    assert "PERDU" not in client_for(world.users.mlds2).get(url("sans_solution")).text
    for user in (world.users.pilot, world.users.norole, world.users.foquale):
        assert client_for(user).get(url("sans_solution")).status_code == 404


# --- commission pages ----------------------------------------------------------------------


def test_commission_personas(world, transmitted, client_for):
    _, session, _ = transmitted
    pages = [url("commission"), url("session_detail", session.public_id), url("capacities")]
    for user in (
        world.users.dasen1,
        world.users.ienio1,
        world.users.commission1,
        world.users.admin,
    ):
        for page in pages:
            assert client_for(user).get(page).status_code == 200, (user, page)
    detail = url("session_detail", session.public_id)
    assert client_for(world.users.dasen2).get(detail).status_code == 404
    for user in (
        world.users.chef_a,
        world.users.cio1,
        world.users.mlds1,
        world.users.pilot,
        world.users.norole,
    ):
        assert client_for(user).get(url("commission")).status_code == 404, user
        assert client_for(user).get(detail).status_code == 404, user


def test_decision_from_the_docket_then_double_submit(world, transmitted, client_for):
    dossier, session, capacity = transmitted
    post = url("session_decide", session.public_id, dossier.public_id)
    data = {"outcome": "affecte", "capacity": str(capacity.public_id)}
    client = client_for(world.users.commission1)
    docket = client.get(url("session_detail", session.public_id)).text
    assert "LEFÈVRE" in docket
    assert client.post(post, data).status_code == 302
    again = client_for(world.users.dasen1).post(post, data)
    assert again.status_code == 409 and "déjà été décidé" in again.text
    assert client_for(world.users.dasen2).post(post, data).status_code == 404
    assert client_for(world.users.admin).post(post, data).status_code == 404
    capacity.refresh_from_db()
    assert capacity.assigned == 1


def test_docket_query_count_is_constant(world, client_for, frozen):
    session = SessionFactory(commission__departement=world.dep1)
    CapacityFactory(commission=session.commission, school=world.school_b)
    client = client_for(world.users.dasen1)
    DossierFactory(student__current_school=world.school_a, transmitted=True)
    with CaptureQueriesContext(connection) as few:
        client.get(url("session_detail", session.public_id))
    DossierFactory.create_batch(40, student__current_school=world.school_a, transmitted=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url("session_detail", session.public_id))
    assert len(few) == len(many)


def test_capacity_form(world, client_for, transmitted):
    client = client_for(world.users.ienio1)
    r = client.post(
        url("capacity_save"),
        {"school": world.school_c.pk, "formation": "Terminale générale", "places": 3},
    )
    assert r.status_code == 302
    r = client.post(
        url("capacity_save"), {"school": world.school_d.pk, "formation": "T", "places": 3}
    )
    assert r.status_code == 400  # other département
    assert client_for(world.users.cio1).post(url("capacity_save"), {}).status_code == 404


def test_session_creation(world, client_for):
    client = client_for(world.users.dasen1)
    r = client.post(url("session_create"), {"date": "2025-07-15", "members": "Mme X, IA-DASEN"})
    assert r.status_code == 302
    assert client.post(url("session_create"), {"date": "demain"}).status_code == 400


# --- documents -----------------------------------------------------------------------------


def test_family_letter_names_pupil_and_assigned_school(world, transmitted, client_for, media_root):
    dossier, session, capacity = transmitted
    dossier.student.birth_date = dt.date(2009, 3, 1)  # a minor: the letter goes to the family
    dossier.student.first_name, dossier.student.sex = "Assia", "F"
    dossier.student.save()
    LegalRepresentativeFactory(student=dossier.student, first_name="Hélène", last_name="Lefèvre")
    assign(session=session, dossier=dossier, capacity=capacity, by=world.users.dasen1)
    client = client_for(world.users.chef_a)
    assert client.post(url("document_create", dossier.public_id, "lettre")).status_code == 302
    doc = GeneratedDocument.objects.get(dossiers=dossier)
    text = pdf_text(doc.file.path)
    assert "LEFÈVRE" in text and "Lycée Jacques Amyot" in text and "Hélène Lefèvre" in text
    assert "Page 1 sur 1" in text and "Terminale professionnelle MELEC" in text
    flat = " ".join(text.split())
    assert "n'a pas été admise" in flat.replace("’", "'") and "admis(e)" not in flat
    assert "d’Assia" in flat and "de Assia" not in flat
    page = client.get(url("detail", dossier.public_id)).text
    assert doc.title in page
    download = client.get(url("document", doc.public_id))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert client_for(world.users.chef_d).get(url("document", doc.public_id)).status_code == 404


def test_letter_for_an_adult_goes_to_the_pupil(world, frozen, media_root):
    d = DossierFactory(
        student__current_school=world.school_a, student__birth_date=dt.date(2005, 1, 1)
    )
    LegalRepresentativeFactory(student=d.student, last_name="Parent")
    walk(d, world.users.chef_a, "reinscrit")
    doc = services.render_family_letter(dossier=d, by=world.users.chef_a)
    text = pdf_text(doc.file.path)
    assert "Parent" not in text and d.student.last_name.upper() in text
    assert "réinscrite au Lycée Léonard de Vinci" in text  # the factory's pupils are girls


def test_no_letter_before_a_decision(world, dossier, client_for, media_root):
    r = client_for(world.users.chef_a).post(url("document_create", dossier.public_id, "lettre"))
    assert r.status_code == 409 and "Aucune décision" in r.text


def test_demande_pdf_prefilled_with_marks_and_timetable(world, dossier, client_for, media_root):
    from .factories import EpreuveMarkFactory

    EpreuveMarkFactory(result=dossier.exam_result, code="FRANCAIS", label="Français", mark=13)
    EpreuveMarkFactory(result=dossier.exam_result, code="MATHS", label="Mathématiques", mark=6)
    r = client_for(world.users.chef_a).post(url("document_create", dossier.public_id, "demande"))
    assert r.status_code == 302
    text = pdf_text(GeneratedDocument.objects.get().file.path)
    assert "Demande d'affectation en Terminale dans le cadre d'une" in text
    assert "Mathématiques" in text and "Emploi du temps aménagé" in text
    assert "01/10/2025" in text  # end of the right


def test_batch_of_letters_renders_in_the_task_and_reports_progress(
    world, transmitted, client_for, media_root, django_capture_on_commit_callbacks
):
    dossier, session, capacity = transmitted
    capacity.places = 5
    capacity.save()
    others = []
    for name in ("Moreau", "Garnier"):
        d = DossierFactory(student__current_school=world.school_a, student__last_name=name)
        walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
        others.append(d)
    for d in (dossier, *others):
        services.decide(
            session=session, dossier=d, outcome="affecte", capacity=capacity, by=world.users.dasen1
        )
    services.pronounce(session=session, by=world.users.dasen1)
    client = client_for(world.users.dasen1)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("session_letters", session.public_id))
    batch = BatchJob.objects.get()
    assert r.status_code == 302 and r["Location"] == batch.get_absolute_url()
    # Tasks run eagerly here (no broker): the batch is finished when the response returns.
    progress = client.get(batch.get_absolute_url(), {"format": "json"}).json()
    assert progress["state"] == BatchState.DONE and progress["done"] == progress["total"] == 3
    batch = BatchJob.objects.get()
    text = pdf_text(batch.document.file.path)
    assert "MOREAU" in text and "GARNIER" in text and "LEFÈVRE" in text
    assert text.count("Page 1 sur 1") == 3
    assert batch.document.dossiers.count() == 3
    # Idempotent: re-running the task leaves the finished batch alone.
    services.run_batch(batch_id=batch.pk)
    assert GeneratedDocument.objects.filter(kind="lettres_lot").count() == 1
    assert client_for(world.users.chef_d).get(batch.get_absolute_url()).status_code == 404


def test_school_prints_all_letters(
    world, frozen, client_for, media_root, django_capture_on_commit_callbacks
):
    d = DossierFactory(student__current_school=world.school_a)
    walk(d, world.users.chef_a, "reinscrit")
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(world.users.chef_a).post(url("print_letters"))
    assert r.status_code == 302
    assert BatchJob.objects.get().state == BatchState.DONE
    r = client_for(world.users.chef_b).post(url("print_letters"))
    assert r.status_code == 302  # nothing to print: French message, no batch
    assert BatchJob.objects.count() == 1


def test_dashboard_panels(world, client_for, frozen):
    DossierFactory(student__current_school=world.school_a)
    assert "Re-préparation des examens" in client_for(world.users.chef_a).get("/").text
    pilot = client_for(world.users.pilot).get("/").text
    assert "chiffres agrégés" in pilot


def test_sans_solution_pupil_handed_over_to_mlds_once(world, client_for, frozen):
    from mlds.models import FollowUp

    d = DossierFactory(
        student__current_school=world.school_a,
        student__birth_date=dt.date(2008, 1, 1),
        without_solution=True,
    )
    post = url("mlds_transmit", d.public_id)
    assert client_for(world.users.cio1).post(post).status_code == 404
    assert client_for(world.users.mlds2).post(post).status_code == 404
    assert client_for(world.users.mlds1).post(post).status_code == 302
    follow_up = FollowUp.objects.get(student=d.student)
    assert follow_up.source == "reprepa_sans_solution"
    again = client_for(world.users.chef_a).post(post)
    assert again.status_code == 409 and "Déjà transmis à la MLDS" in again.text
    assert FollowUp.objects.filter(student=d.student).count() == 1


def test_flash_messages_escape_names_from_imported_files(world, frozen, client_for):
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=1)
    dossier = DossierFactory(
        student__current_school=world.school_a, student__last_name="<img src=x onerror=alert(1)>"
    )
    walk(dossier, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    response = client_for(world.users.commission1).post(
        reverse("dossiers:session_decide", args=[session.public_id, dossier.public_id]),
        {"outcome": DecisionOutcome.AFFECTE, "capacity": capacity.public_id},
        follow=True,
    )
    assert "&lt;IMG SRC=X ONERROR=ALERT(1)&gt;" in response.text
    assert "<IMG SRC=X" not in response.text.upper().replace("&LT;IMG", "")
