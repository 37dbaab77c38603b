"""Jobs survive the queue: Redis stopped when the upload arrives, the whole worker killed in
the middle of an import. A private redis-server on its own port is started and stopped here
(never the shared one); a real `celery worker` process runs the jobs."""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from jobs import runner
from students import services
from students.models import ImportJob, Student
from students.rules import school_year_of
from students.siecle_export import eleves_xml, zipped

from ..celery_process import CeleryWorkerProcess
from ..conftest import require_or_skip

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
STALE = 4  # seconds without heartbeat before a running job counts as lost


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"Délai dépassé : {what}")


class PrivateRedis:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)

        def up():
            try:
                return client.ping()
            except Exception:
                return False

        wait_for(up, 10, "redis privé")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Worker(CeleryWorkerProcess):
    def __init__(self, *, broker, queue, media):
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "CELERY_BROKER_URL": broker,
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "JOBS_TEST_QUEUE": queue,
            "JOBS_TEST_MEDIA_ROOT": str(media),
            "JOBS_TEST_STALE_SECONDS": str(STALE),
        }
        self.queue = queue
        self.process = None


@pytest.fixture
def queue_env(transactional_db, tmp_path, settings):
    require_or_skip(shutil.which("redis-server") is not None, "redis-server absent")
    require_or_skip(connection.vendor == "postgresql", "le worker a besoin de PostgreSQL")
    from config.celery import app

    redis_server = PrivateRedis(tmp_path)
    queue = f"test-jobs-{uuid.uuid4().hex[:8]}"
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.CELERY_BROKER_URL = redis_server.url
    settings.JOBS_RUN_INLINE = False
    settings.JOBS_STALE_AFTER_SECONDS = STALE
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(
        broker_url=redis_server.url,
        task_always_eager=False,
        task_default_queue=queue,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
    )
    app.__dict__.pop("amqp", None)
    app._pool = None
    workers = []

    def make_worker():
        worker = Worker(broker=redis_server.url, queue=queue, media=media)
        workers.append(worker)
        return worker

    yield redis_server, make_worker
    for worker in workers:
        worker.kill()
    redis_server.stop()
    from kombu import pools

    pools.reset()
    app.conf.update(saved)
    app.__dict__.pop("amqp", None)
    app._pool = None


def upload(world, pupils=5):
    year = school_year_of(timezone.localdate())
    rows = [
        {
            "eleve_id": f"9{n:06d}",
            "ine": f"{n:09d}AB",
            "last_name": f"ÉLÈVE{n}",
            "first_name": "Lœtitia",
            "birth_date": "14/03/2009",
            "sex": "2",
            "mef": "20010018110",
            "division": f"2NDE{n % 9}",
            "entry_date": f"01/09/{year}",
        }
        for n in range(1, pupils + 1)
    ]
    data = zipped(
        "ElevesSansAdresses.xml",
        eleves_xml(uai=world.school_a.uai, school_year=year, pupils=rows),
    )
    with transaction.atomic():
        job = services.start_import_job(
            uploaded_files=[SimpleUploadedFile("ExportXML_ElevesSansAdresses.zip", data)],
            user=world.users.chef_a,
            school=world.school_a,
        )
    return job


def status(job):
    job.refresh_from_db()
    return job.status


def test_upload_with_redis_stopped_is_kept_and_runs_once_it_is_back(world, queue_env):
    redis_server, make_worker = queue_env
    # Redis is down (never started): the upload commits its job and returns.
    job = upload(world)
    assert status(job) == "en_attente"
    assert runner.sweep() == 0  # sent a moment ago: not yet due again
    soon = timezone.now() + dt.timedelta(minutes=2)
    assert runner.sweep(now=soon) == 1  # the sweep cannot send it either, and nothing breaks
    assert status(job) == "en_attente"

    redis_server.start()
    make_worker().start()
    later = timezone.now() + dt.timedelta(minutes=4)
    assert runner.sweep(now=later) == 1
    wait_for(lambda: status(job) == "termine", what="import terminé")
    job.refresh_from_db()
    assert (job.attempts, job.created_count) == (1, 5)
    assert Student.objects.count() == 5


def test_whole_worker_killed_mid_import_then_job_finishes_exactly_once(world, queue_env):
    redis_server, make_worker = queue_env
    redis_server.start()
    first = make_worker()
    first.start()
    job = upload(world, pupils=4000)
    wait_for(lambda: status(job) in ("verification", "enregistrement"), what="import commencé")
    first.kill()
    assert status(job) in ("verification", "enregistrement")
    assert Student.objects.count() == 0  # all or nothing: the killed transaction left nothing

    # A new worker comes up; the sweep takes the job over once its heartbeat is stale. The
    # broker may also redeliver the unacknowledged message: the job still runs once.
    make_worker().start()
    time.sleep(STALE + 1)
    assert runner.sweep() == 1
    wait_for(lambda: status(job) == "termine", timeout=180, what="import repris et terminé")
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.created_count == 4000
    assert Student.objects.count() == 4000
    assert ImportJob.objects.count() == 1
