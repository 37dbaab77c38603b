"""The results-day load test runs end to end at a tiny size (PostgreSQL: gunicorn shares the
database with the benchmark): production settings, logged-in clients, every page of the mix
answered without error. Its timings mean nothing here and are not judged."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.results_day import STEERING_API, STEERING_CSV

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="PostgreSQL requis (gunicorn lit la base du banc)",
)


def test_results_day_load_test_runs_at_a_tiny_size(tmp_path):
    results_file = tmp_path / "results.json"
    env = {
        **os.environ,
        "BENCH_RESULTS": str(results_file),
        "BENCH_RESULTS_DAY_PUPILS": "300",
        "BENCH_RESULTS_DAY_SECONDS": "2",
        "BENCH_RESULTS_DAY_CLIENTS": "4",
        "BENCH_RESULTS_DAY_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    }
    run = subprocess.run(
        [sys.executable, "-m", "bench", "results_day"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(results_file.read_text())["results"]["results_day"]
    assert "error" not in figures
    (level,) = figures["levels"]
    assert level["clients"] == 4 and level["errors"] == 0, level
    assert {
        "dépôt des résultats",
        "fiche élève",
        "tableau de bord directeur.cio",
        "ordre du jour de la commission",
        "/healthz",
        STEERING_API,
        STEERING_CSV,
    } <= set(level["pages"])
