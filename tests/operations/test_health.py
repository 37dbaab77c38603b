"""/healthz/live answers while the process runs; /healthz/ready (and /healthz) checks the
database, Redis and the beat heartbeat and names what failed, with a 503."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from operations.services import record_heartbeat

from ..conftest import require_or_skip

pytestmark = pytest.mark.django_db
REDIS = os.environ.get("CELERY_TEST_BROKER_URL", "")


def test_liveness_touches_nothing_and_is_never_cached(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"statut": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_without_a_broker_checks_the_database(client):
    for url in ("/healthz", "/healthz/ready"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert body["statut"] == "ok" and set(body["controles"]) == {"base_de_donnees"}


def test_the_container_probe_needs_no_allowed_host(client, settings):
    settings.ALLOWED_HOSTS = ["secuparcours.example"]
    assert client.get("/healthz/live", HTTP_HOST="172.18.0.5:8000").status_code == 200
    assert client.get("/healthz/ready", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get("/compte/connexion/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_redis_down_is_named(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # discard port: nothing listens
    record_heartbeat()
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    checks = response.json()["controles"]
    assert response.json()["statut"] == "erreur"
    assert checks["base_de_donnees"]["ok"] is True
    assert checks["redis"]["ok"] is False and checks["redis"]["detail"]
    assert "redis://" not in response.content.decode()  # no URL nor password in the answer


def test_beat_heartbeat_fresh_missing_and_stale(client, settings):
    require_or_skip(bool(REDIS), "Redis (CELERY_TEST_BROKER_URL) requis")
    settings.CELERY_BROKER_URL = REDIS
    settings.HEALTHZ_BEAT_MAX_AGE = 600
    missing = client.get("/healthz/ready")
    assert missing.status_code == 503
    assert missing.json()["controles"]["planificateur"]["detail"].startswith("Aucun battement")
    assert missing.json()["controles"]["redis"]["ok"] is True

    record_heartbeat()
    fresh = client.get("/healthz/ready")
    assert fresh.status_code == 200, fresh.json()
    assert fresh.json()["controles"]["planificateur"]["age_s"] < 5

    record_heartbeat(now=timezone.now() - dt.timedelta(minutes=11))
    stale = client.get("/healthz")
    assert stale.status_code == 503
    assert "trop ancien" in stale.json()["controles"]["planificateur"]["detail"]


def test_heartbeat_task_is_scheduled_every_two_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="operations.heartbeat")
    assert task.enabled and task.interval.every == 120 and task.interval.period == "seconds"


def test_heartbeat_task_records_the_time():
    from operations.models import Heartbeat
    from operations.tasks import heartbeat

    heartbeat.delay()
    assert (timezone.now() - Heartbeat.objects.get(name="beat").at).total_seconds() < 5
