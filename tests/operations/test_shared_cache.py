"""Production settings put Django's cache in Redis: two processes (two gunicorn workers)
count against the same API limit, instead of each letting the whole limit through."""

import os
import subprocess
import sys
from pathlib import Path

import redis

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("CELERY_TEST_BROKER_URL", "")

# One worker: set up Django under the production settings, then ask the API throttle (the
# class every endpoint uses) N times for the same account; print how many were let through.
WORKER = """
import sys
from types import SimpleNamespace
import django
django.setup()
from django.conf import settings
from rest_framework.throttling import UserRateThrottle
assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), settings.CACHES

class TenPerHour(UserRateThrottle):
    rate = "10/hour"

user = SimpleNamespace(is_authenticated=True, pk=424242)
request = SimpleNamespace(user=user, META={"REMOTE_ADDR": "127.0.0.1"})
allowed = sum(TenPerHour().allow_request(request, None) for _ in range(int(sys.argv[1])))
print(allowed)
"""


def run_worker(attempts: int, env: dict) -> int:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(attempts)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return int(result.stdout.strip().splitlines()[-1])


def production_env(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "shared-cache-check-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite://:memory:",
        "CELERY_BROKER_URL": "",
        "CACHE_KEY_PREFIX": f"test-shared-cache-{os.getpid()}",
        **extra,
    }
    env.pop("SENTRY_DSN", None)
    return env


def test_two_processes_share_one_api_limit():
    require_or_skip(bool(REDIS), "Redis (CELERY_TEST_BROKER_URL) requis")
    redis.Redis.from_url(REDIS).flushdb()
    env = production_env(CACHE_URL=REDIS)
    first = run_worker(6, env)
    second = run_worker(6, env)
    assert (first, second) == (6, 4)  # 10 in all, not 10 per process


def test_production_uses_the_broker_redis_when_no_cache_url_is_given():
    require_or_skip(bool(REDIS), "Redis (CELERY_TEST_BROKER_URL) requis")
    redis.Redis.from_url(REDIS).flushdb()
    env = production_env(CELERY_BROKER_URL=REDIS)
    assert run_worker(8, env) == 8
    assert run_worker(8, env) == 2
