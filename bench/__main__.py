"""Run the benchmarks: `python -m bench [name...]` (all `bench/*.py` modules with a `run()`).

Each module builds its own data on a scratch database (`bench_<name>` next to the database of
DATABASE_URL, created and dropped here), measures itself against a baseline in the same run
and returns a dict of figures. A summary table is printed and everything is written to
`bench/results/latest.json`. Example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_students make bench
"""

import contextlib
import datetime as dt
import importlib
import json
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(*, on_demand: bool = False) -> list[str]:
    """Benchmarks with a `run()`; those marked `ON_DEMAND = True` (the results-day load test,
    which starts its own servers) only when named or when `on_demand` is set."""
    names = []
    for info in pkgutil.iter_modules([str(HERE)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)) and (
            on_demand or not getattr(module, "ON_DEMAND", False)
        ):
            names.append(info.name)
    return sorted(names)


@contextlib.contextmanager
def _own_database(connection, index: int, *, alone: bool):
    """Each benchmark starts from the freshly migrated scratch database, so that none sees the
    data of another: on PostgreSQL it runs on its own copy (CREATE DATABASE … TEMPLATE), on
    SQLite the tables are emptied before it."""
    if alone:
        yield
        return
    if connection.vendor != "postgresql":
        if index:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
        yield
        return
    base = connection.settings_dict["NAME"]
    suffix = str(index)
    connection.creation.clone_test_db(suffix=suffix, verbosity=0, autoclobber=True)
    connection.close()
    connection.settings_dict["NAME"] = connection.creation.get_test_db_clone_settings(suffix)[
        "NAME"
    ]
    try:
        yield
    finally:
        _close_every_connection(connection)
        connection.settings_dict["NAME"] = base
        connection.creation.destroy_test_db(base, verbosity=0, suffix=suffix)


def _close_every_connection(connection) -> None:
    """A copy can be dropped only once nothing is connected to it: wait for the background
    jobs a benchmark started (without a broker they run in threads of this process, see
    `jobs.runner`), then close this thread's connection."""
    import threading

    for thread in threading.enumerate():
        if thread.name.startswith("job-") and thread is not threading.current_thread():
            thread.join(timeout=600)
    connection.close()


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    # Production-like: no DEBUG (it would keep every query in memory), the test client's host.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(HERE.parent))
    import django

    django.setup()
    from django.db import connection

    names = argv or discover()
    unknown = [n for n in names if not (HERE / f"{n}.py").exists()]
    if unknown:
        available = discover(on_demand=True)
        print(f"Benchmark(s) inconnu(s) : {', '.join(unknown)}. Disponibles : {available}")
        return 2
    vendor = connection.vendor
    print(f"Base de travail : {vendor} (copie jetable de la base de DATABASE_URL)")
    # Its own scratch name, so that a test run on the same server (test_<name>) is never hit.
    if vendor != "sqlite":
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    results, failed = {}, False
    try:
        for index, name in enumerate(names):
            print(f"\n== {name}")
            started = time.monotonic()
            with _own_database(connection, index, alone=len(names) == 1):
                try:
                    module = importlib.import_module(f"bench.{name}")
                    figures = module.run() or {}
                except Exception:
                    traceback.print_exc()
                    figures, failed = {"error": traceback.format_exc(limit=3)}, True
            figures["duration_s"] = round(time.monotonic() - started, 1)
            results[name] = figures
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print("\n| benchmark | résultat | objectif | atteint |")
    print("|---|---|---|---|")
    for name, figures in results.items():
        summary = figures.get("summary", "erreur" if "error" in figures else "")
        target = figures.get("target", "")
        passed = figures.get("passed")
        mark = "—" if passed is None else ("oui" if passed else "NON")
        print(f"| {name} | {summary} | {target} | {mark} |")
    out = Path(os.environ.get("BENCH_RESULTS", HERE / "results" / "latest.json"))
    out.parent.mkdir(exist_ok=True)
    # Benchmarks not run this time keep their last figures.
    previous = {}
    if out.exists():
        try:
            previous = json.loads(out.read_text()).get("results", {})
        except ValueError:
            previous = {}
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for figures in results.values():
        figures.update(date=now, database=vendor)
    payload = {"date": now, "database": vendor, "results": {**previous, **results}}
    out.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nRésultats écrits dans {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
