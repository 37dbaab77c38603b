"""`make bench` keeps working: every benchmark runs end to end at a small size.

The figures of such a run mean nothing (the sizes are tiny); what is checked is that each
benchmark builds its data, measures itself and its baseline, and that the import benchmark
really stored, then recognised, every row of its file.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL_SIZES = {
    "BENCH_IMPORT_ROWS": "1000",
    "BENCH_LIST_PUPILS": "400",
    "BENCH_SIEI_ROWS": "500",
    "BENCH_DOCKET_DOSSIERS": "60",
    "BENCH_LETTERS_RENDERED": "3",
    "BENCH_FLAG_PUPILS": "2000",
    "BENCH_REPORTS_PUPILS": "3000",
    "BENCH_REPORTS_PUPILS_OTHER": "300",
    "BENCH_REPORTS_REPEAT": "2",
    "BENCH_REMINDERS_DUE": "50",
    "BENCH_REMINDERS_SMALL": "500",
    "BENCH_REMINDERS_LARGE": "2000",
    "BENCH_SCOPE_SMALL": "600",
    "BENCH_SCOPE_LARGE": "1500",
    "BENCH_SCOPE_PUPILS": "300",
    "BENCH_SCOPE_REPEAT": "1",
    "BENCH_LETTERS_RSS_SIZES": "3",
    "BENCH_LETTERS_SHARED": "4",
    "BENCH_RESULTS_ROWS": "300",
    "BENCH_RESULTS_ROUNDS": "1",
    "BENCH_SIECLE_LYCEE": "200",
    "BENCH_SIECLE_ACADEMIE": "2000",
}


def test_every_benchmark_runs_at_a_small_size(tmp_path):
    from bench.__main__ import discover

    results_file = tmp_path / "results.json"
    env = {
        **os.environ,
        **SMALL_SIZES,
        "BENCH_RESULTS": str(results_file),
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    }
    run = subprocess.run(
        [sys.executable, "-m", "bench"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads(results_file.read_text())["results"]
    assert set(results) == set(discover())
    for name, figures in results.items():
        assert "error" not in figures, (name, figures.get("error"))
        assert figures.get("summary"), name

    imports = results["imports"]
    rows = int(SMALL_SIZES["BENCH_IMPORT_ROWS"])
    assert imports["created"] == rows
    assert imports["reimport_unchanged"] == rows
    assert results["student_list"]["pupils_in_scope"] == int(SMALL_SIZES["BENCH_LIST_PUPILS"])
