"""PostgreSQL backups with a row-count manifest, and the restore check that proves them.

`backup` dumps the database (pg_dump, custom format) from a snapshot exported by a
REPEATABLE READ transaction, and counts every table's rows in that same snapshot: the manifest
says exactly what the dump holds. `restore_check` restores the latest dump into a scratch
database, runs `migrate --check` against it and compares its row counts with the manifest.
"""

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

PREFIX = "secuparcours-"


class BackupError(Exception):
    pass


def _require_postgresql():
    if connection.vendor != "postgresql":
        raise BackupError("Les sauvegardes et leur contrôle demandent PostgreSQL.")


def _libpq_env(settings_dict, dbname=None) -> dict:
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    env["PGDATABASE"] = dbname or settings_dict["NAME"]
    return env


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


def backup(*, directory: Path, keep: int, now: dt.datetime | None = None) -> Path:
    _require_postgresql()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    target = directory / f"{PREFIX}{stamp}.dump"
    partial = target.with_suffix(".dump.partial")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        dump = subprocess.Popen(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
            env=_libpq_env(connection.settings_dict),
            stderr=subprocess.PIPE,
            text=True,
        )
        counts = _counts(cursor)
        _, errors = dump.communicate()
    if dump.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump a échoué : {errors.strip()[:500]}")
    partial.rename(target)
    manifest = {
        "base": connection.settings_dict["NAME"],
        "cree_le": timezone.now().isoformat(),
        "fichier": target.name,
        "lignes": counts,
    }
    target.with_suffix(".json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    for old in sorted(directory.glob(f"{PREFIX}*.dump"))[:-keep]:
        old.unlink()
        old.with_suffix(".json").unlink(missing_ok=True)
    return target


def latest_dump(directory: Path) -> Path:
    dumps = sorted(directory.glob(f"{PREFIX}*.dump"))
    if not dumps:
        raise BackupError(f"Aucune sauvegarde dans {directory}.")
    return dumps[-1]


@dataclass
class RestoreReport:
    dump: Path
    scratch: str
    tables: int = 0
    rows: int = 0
    mismatches: list[str] = field(default_factory=list)
    migrate_output: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatches


def restore_check(*, dump: Path, scratch: str, keep_scratch: bool = False) -> RestoreReport:
    _require_postgresql()
    manifest_path = dump.with_suffix(".json")
    if not manifest_path.exists():
        raise BackupError(f"Manifeste absent : {manifest_path.name}.")
    expected = json.loads(manifest_path.read_text())["lignes"]
    report = RestoreReport(dump=dump, scratch=scratch)
    settings_dict = connection.settings_dict
    if scratch == settings_dict["NAME"]:
        raise BackupError("La base de contrôle doit différer de la base en service.")
    quoted = connection.ops.quote_name(scratch)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        restored = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--jobs=2", f"--dbname={scratch}"]
            + [str(dump)],
            env=_libpq_env(settings_dict, scratch),
            capture_output=True,
            text=True,
        )
        if restored.returncode != 0:
            report.mismatches.append(f"pg_restore a échoué : {restored.stderr.strip()[:500]}")
            return report
        migrate = subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--check"],
            env={**os.environ, "DATABASE_URL": _url(settings_dict, scratch)},
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
        report.migrate_output = (migrate.stdout + migrate.stderr).strip()
        if migrate.returncode != 0:
            report.mismatches.append(
                "migrate --check : des migrations manquent à la sauvegarde restaurée."
            )
        with psycopg.connect(**_connect_kwargs(settings_dict, scratch)) as restored_db:
            actual = _counts(restored_db.cursor())
        report.tables = len(actual)
        report.rows = sum(actual.values())
        for table in sorted(set(expected) | set(actual)):
            if expected.get(table) != actual.get(table):
                report.mismatches.append(
                    f"{table} : {expected.get(table)} ligne(s) sauvegardée(s), "
                    f"{actual.get(table)} restaurée(s)."
                )
    finally:
        if not keep_scratch:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
    return report


def _connect_kwargs(settings_dict, dbname) -> dict:
    kwargs = {"dbname": dbname}
    for key in ("HOST", "PORT", "USER", "PASSWORD"):
        if settings_dict.get(key):
            kwargs[key.lower()] = str(settings_dict[key])
    return kwargs


def _url(settings_dict, dbname) -> str:
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{dbname}"
