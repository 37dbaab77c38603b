"""With a real Redis broker and a real `celery -A config worker` process.

Each test starts its own worker on its own queue, against the test database (committed rows:
transactional tests), and reads the e-mails the worker writes with the file-based backend.
"""

import datetime as dt
import os
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import Role
from notifications import tasks
from notifications.enums import ReminderStage, SendState
from notifications.models import Digest, Reminder

from ..accounts.factories import RoleAssignmentFactory, UserFactory
from ..celery_process import CeleryWorkerProcess
from ..conftest import require_or_skip
from ..students.factories import StudentFactory
from .factories import DeadlineFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/0")


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except Exception:
        return False


def wait_for(predicate, timeout=25.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"Délai dépassé : {what}")


def mails(directory: Path) -> list[str]:
    """Recipients of every message the worker wrote, one entry per message."""
    found = []
    for path in sorted(directory.glob("*.log")):
        for line in path.read_text().splitlines():
            if line.startswith("To: "):
                found.append(line[4:])
    return found


class Worker(CeleryWorkerProcess):
    def __init__(self, *, queue, mail_dir, pause):
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "CELERY_BROKER_URL": BROKER,
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "NOTIFICATIONS_TEST_MAIL_DIR": str(mail_dir),
            "NOTIFICATIONS_TEST_MAIL_PAUSE": str(pause),
            "NOTIFICATIONS_TEST_QUEUE": queue,
        }
        self.queue = queue
        self.process = None


@pytest.fixture
def worker_factory(transactional_db, tmp_path):
    require_or_skip(redis_reachable(), f"Redis injoignable ({BROKER})")
    require_or_skip(connection.vendor == "postgresql", "le worker a besoin de PostgreSQL")
    from config.celery import app

    queue = f"test-notifications-{uuid.uuid4().hex[:8]}"
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    app.__dict__.pop("amqp", None)
    app._pool = None
    started = []

    def make(pause=0.0):
        worker = Worker(queue=queue, mail_dir=tmp_path, pause=pause)
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.kill()
    from kombu import pools

    pools.reset()  # closes and forgets the broker connections of this test
    app.conf.update(saved)
    app.__dict__.pop("amqp", None)
    app._pool = None
    import redis

    redis.Redis.from_url(BROKER).delete(queue)


def school_with_chefs(world, n):
    chefs = []
    for i in range(n):
        user = UserFactory(username=f"chef_worker_{i}")
        RoleAssignmentFactory(user=user, role=Role.CHEF_ETABLISSEMENT, etablissement=world.school_a)
        chefs.append(user)
    return chefs


def due_entretien(world):
    """An entretien due tomorrow: an early notice today, urgent, so any day is a sending day."""
    return DeadlineFactory(
        subject=StudentFactory(current_school=world.school_a),
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )


def test_sweep_sends_one_mail_per_reminder_and_twice_sends_nothing(world, worker_factory, tmp_path):
    chefs = [world.users.chef_a, *school_with_chefs(world, 2)]
    due_entretien(world)
    worker = worker_factory()
    worker.start()
    today = timezone.localdate().isoformat()
    tasks.run_daily_sweep.delay(today)
    tasks.send_digests.delay(today)
    wait_for(lambda: len(mails(tmp_path)) >= 3, what="trois synthèses")
    wait_for(lambda: Digest.objects.filter(state=SendState.SENT).count() == 3, what="état envoyé")
    assert sorted(mails(tmp_path)) == sorted(u.email for u in chefs)
    assert Reminder.objects.filter(stage=ReminderStage.BEFORE, state=SendState.SENT).count() == 3

    # Everything again, as a second beat or a retried task would: nothing more is sent.
    tasks.run_daily_sweep.delay(today)
    tasks.send_digests.delay(today)
    tasks.retry_failed_sends.delay()
    # A sentinel digest queued last: once it is out, the worker has run everything before it.
    # (A head of another school: digests carry only cases their recipient may open.)
    sentinel = UserFactory(username="sentinelle")
    RoleAssignmentFactory(user=sentinel, role=Role.CHEF_ETABLISSEMENT, etablissement=world.school_d)
    digest = Digest.objects.create(recipient=sentinel, day=timezone.localdate())
    Reminder.objects.create(
        deadline=DeadlineFactory(  # not due soon: the sweeps leave it alone
            subject=StudentFactory(current_school=world.school_d),
            due_date=timezone.localdate() + dt.timedelta(days=100),
        ),
        stage=ReminderStage.BEFORE,
        due_date=timezone.localdate(),
        recipient=sentinel,
        digest=digest,
    )
    tasks.deliver_digest.delay(digest.pk)
    wait_for(lambda: sentinel.email in mails(tmp_path), what="synthèse sentinelle")
    assert sorted(mails(tmp_path)) == sorted([*(u.email for u in chefs), sentinel.email])
    assert Reminder.objects.count() == 4


def test_rolled_back_transaction_enqueues_nothing(world, worker_factory, tmp_path):
    due_entretien(world)
    worker = worker_factory()
    worker.start()
    today = timezone.localdate().isoformat()
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.run_daily_sweep.delay_on_commit(today)
        tasks.send_digests.delay_on_commit(today)
        raise RuntimeError("annulation de la transaction")
    # The same calls committed: they reach the worker, and only they do.
    with transaction.atomic():
        tasks.run_daily_sweep.delay_on_commit(today)
    wait_for(lambda: Reminder.objects.exists(), what="balayage exécuté")
    assert mails(tmp_path) == []  # send_digests was never enqueued
    with transaction.atomic():
        tasks.send_digests.delay_on_commit(today)
    wait_for(lambda: len(mails(tmp_path)) == 1, what="synthèse envoyée")
    time.sleep(0.5)
    assert mails(tmp_path) == [world.users.chef_a.email]


def test_worker_killed_mid_run_loses_nothing_and_duplicates_nothing(
    world, worker_factory, tmp_path
):
    chefs = [world.users.chef_a, *school_with_chefs(world, 9)]
    due_entretien(world)
    worker = worker_factory(pause=0.4)
    worker.start()
    today = timezone.localdate().isoformat()
    tasks.run_daily_sweep.delay(today)
    tasks.send_digests.delay(today)
    wait_for(lambda: len(mails(tmp_path)) >= 3, what="premières synthèses")
    time.sleep(0.2)  # inside the next digest's send, before its commit
    worker.kill()
    sent_before_kill = len(mails(tmp_path))
    assert sent_before_kill < len(chefs), "le worker devait être tué en cours d'envoi"
    assert Digest.objects.filter(state=SendState.SENT).count() == sent_before_kill

    # Restarted; the hourly retry catches up from PostgreSQL whatever Redis still holds.
    restarted = worker_factory(pause=0.05)
    restarted.start()
    tasks.retry_failed_sends.delay()
    wait_for(
        lambda: Digest.objects.filter(state=SendState.SENT).count() == len(chefs),
        what="toutes les synthèses envoyées",
    )
    time.sleep(1.0)  # leftovers of the first run, if any, must change nothing
    assert sorted(mails(tmp_path)) == sorted(u.email for u in chefs)
    assert not Reminder.objects.exclude(state=SendState.SENT).exists()
