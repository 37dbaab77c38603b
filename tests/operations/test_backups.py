"""`make restore-check`: a backup restores into a scratch database, its migrations are
complete and every table has the rows the manifest counted. PostgreSQL only (CI)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ..conftest import require_or_skip
from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL requis (DATABASE_URL)")
    return connection.settings_dict["NAME"]


def test_backup_then_restore_check(postgresql, world, tmp_path, capsys):
    StudentFactory.create_batch(3, current_school=world.school_a)
    call_command("backup_database", "--dir", str(tmp_path), "--keep", "2")
    [dump] = tmp_path.glob("secuparcours-*.dump")
    manifest = json.loads(dump.with_suffix(".json").read_text())
    assert manifest["lignes"]["students_student"] == 3
    assert manifest["base"] == postgresql

    StudentFactory(current_school=world.school_a)  # written after the backup: not in it
    call_command("restore_check", "--dir", str(tmp_path))
    out = capsys.readouterr().out
    assert "Contrôle réussi" in out and "migrations à jour" in out
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"{postgresql}_restore"])
        assert cursor.fetchone() is None  # the scratch database is dropped afterwards


def test_a_dump_that_does_not_match_its_manifest_fails(postgresql, world, tmp_path):
    StudentFactory.create_batch(2, current_school=world.school_a)
    call_command("backup_database", "--dir", str(tmp_path))
    [dump] = tmp_path.glob("secuparcours-*.dump")
    manifest_path = dump.with_suffix(".json")
    manifest = json.loads(manifest_path.read_text())
    manifest["lignes"]["students_student"] = 5
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="students_student : 5 ligne"):
        call_command("restore_check", "--dir", str(tmp_path))


def test_old_backups_are_pruned(postgresql, world, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from operations.backups import backup

    for days in (3, 2, 1):
        backup(directory=tmp_path, keep=2, now=timezone.now() - dt.timedelta(days=days))
    assert len(list(tmp_path.glob("*.dump"))) == 2 == len(list(tmp_path.glob("*.json")))


def test_without_a_backup_the_check_says_so(postgresql, tmp_path):
    with pytest.raises(CommandError, match="Aucune sauvegarde"):
        call_command("restore_check", "--dir", str(tmp_path))
