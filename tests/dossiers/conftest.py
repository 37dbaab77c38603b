import datetime as dt
import shutil
import subprocess
import tempfile
import threading

import pytest
from django.core.exceptions import ValidationError

from .factories import RESULTS_DAY, CapacityFactory, DossierFactory, SessionFactory


@pytest.fixture
def on_day(clock):
    """Stop the clock on a day (default: a few days after results day 2025)."""

    def move(day=dt.date(2025, 7, 9)):
        return clock.at(day)

    return move


@pytest.fixture
def frozen(on_day):
    return on_day()


@pytest.fixture
def dossier(world, frozen):
    return DossierFactory(student__current_school=world.school_a)


def walk(dossier, user, to: str, *, proposed_school=None, today=None):
    """Take a dossier through the real transitions up to `to` (as the school would)."""
    steps = {
        "entretien_realise": lambda: dossier.record_entretien(
            by=user, held_on=today or RESULTS_DAY, participants="Élève, proviseur"
        ),
        "souhait_changement": lambda: dossier.express_wish(by=user, wish="changement"),
        "souhait_reinscription": lambda: dossier.express_wish(by=user, wish="reinscription"),
        "transmis_commission": lambda: dossier.transmit_to_commission(
            by=user, proposed_school=proposed_school, requested_formation="Terminale pro MELEC"
        ),
        "reinscrit": lambda: dossier.reenrol(by=user),
    }
    order = {
        "entretien_realise": ["entretien_realise"],
        "transmis_commission": ["entretien_realise", "souhait_changement", "transmis_commission"],
        "reinscrit": ["entretien_realise", "souhait_reinscription", "reinscrit"],
    }[to]
    for step in order:
        steps[step]()
    return dossier


def assign(*, session, dossier, capacity, by, pronounced_by=None):
    """The commission proposes the assignment and the IA-DASEN pronounces it (§4.5)."""
    from dossiers import services

    decision = services.decide(
        session=session, dossier=dossier, outcome="affecte", capacity=capacity, by=by
    )
    services.pronounce(session=session, by=pronounced_by or by, dossier_ids=[dossier.public_id])
    decision.refresh_from_db()
    return decision


@pytest.fixture
def transmitted(world, frozen):
    """A dossier of school A transmitted to the 077 commission, with a session and capacity."""
    d = DossierFactory(student__current_school=world.school_a, student__last_name="Lefèvre")
    walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=1)
    return d, session, capacity


@pytest.fixture
def media_root(settings):
    path = tempfile.mkdtemp(prefix="reprepa-media-")
    settings.MEDIA_ROOT = path
    yield path
    shutil.rmtree(path, ignore_errors=True)


def pdf_text(path) -> str:
    """The PDF's text with whitespace collapsed (line breaks fall anywhere in a letter)."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def run_together(*calls) -> list[str]:
    """Run each call in its own thread and database connection, all released at once (two
    commission members clicking together). Each outcome is "ok" or the French message of the
    ValidationError the call raised."""
    outcomes, barrier = [], threading.Barrier(len(calls))

    def run(call):
        from django.db import connections

        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
