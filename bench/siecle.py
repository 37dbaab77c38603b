"""SIECLE intake: a 2,500-pupil lycée's two ZIPs end to end, and an académie by command.

Floor (PostgreSQL): COPY of the very rows the import stored (pupils, enrolments,
representatives, SIECLE ids and every history row) back into the application's tables, after
emptying them: what writing the same validated rows costs at best. Target: the intake within
a few times that floor. Memory: peak resident growth during the académie run at two sizes
(the larger 4 times the smaller); flat means it does not grow with the number of pupils,
since each school's files are streamed and written on their own.

Sizes: BENCH_SIECLE_LYCEE (2,500) pupils for the lycée; BENCH_SIECLE_ACADEMIE (20,000) for the
académie, in schools of 2,000 — set it to 400000 for the full académie.
"""

import datetime as dt
import io
import os
import random
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction

from imports.sources import open_upload
from students.models import Enrolment, LegalRepresentative, SiecleIdentity, Student
from students.siecle_export import eleves_xml, responsables_xml, zipped
from students.siecle_import import import_siecle
from territories.models import Etablissement

from .imports import RssSampler, _schools

LYCEE = int(os.environ.get("BENCH_SIECLE_LYCEE", "2500"))
ACADEMIE = int(os.environ.get("BENCH_SIECLE_ACADEMIE", "20000"))
PER_SCHOOL = 2000
MEFS = ["20010018110", "20110019110", "20212001110", "24725511310", "24725511320"]
TODAY = dt.date.today()


def _pupils(count, seed, prefix):
    rng = random.Random(seed)
    year = TODAY.year if TODAY.month >= 9 else TODAY.year - 1
    pupils, links = [], []
    for n in range(count):
        eleve_id = f"{prefix}{n:06d}"
        pupil = {
            "eleve_id": eleve_id,
            "ine": f"{prefix}{n:06d}"[-9:].rjust(9, "0") + "AB" if n % 50 else "",
            "last_name": rng.choice(["MARTIN", "CŒUR", "DUPRÉ", "ŠKODA", "LEFÈVRE"]) + str(n),
            "first_name": rng.choice(["Léa", "Noé", "Zoé", "Lœtitia", "Hugo"]),
            "birth_date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
            f"{year - 15 - rng.randint(0, 3)}",
            "sex": rng.choice("12"),
            "mef": rng.choice(MEFS),
            "division": f"D{n % 80}",
            "entry_date": f"01/09/{year}",
        }
        if n % 97 == 0:
            pupil["exit_date"], pupil["motif"] = f"15/10/{year}", "41"
        pupils.append(pupil)
        for k, code in ((1, "10"), (2, "20")):
            links.append(
                {
                    "eleve_id": eleve_id,
                    "person_id": f"{prefix}{n:06d}{k}",
                    "last_name": pupil["last_name"],
                    "first_name": rng.choice(["Alex", "Marc", "Sophie"]) + str(k),
                    "level": 1,
                    "code": code,
                    "phone": "+33600000000",
                    "address": f"{n} RUE DE L'EXEMPLE",
                }
            )
    return pupils, links, year


def _zips(uai, count, seed, prefix):
    pupils, links, year = _pupils(count, seed, prefix)
    return (
        zipped("ElevesSansAdresses.xml", eleves_xml(uai=uai, school_year=year, pupils=pupils)),
        zipped(
            "ResponsablesAvecAdresses.xml",
            responsables_xml(uai=uai, school_year=year, links=links),
        ),
    )


TABLES = [Student, Enrolment, LegalRepresentative]


def _table_names():
    names = [SiecleIdentity._meta.db_table]
    for model in TABLES:
        names += [model._meta.db_table, model.history.model._meta.db_table]
    return names


def _wipe():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(_table_names())} CASCADE")
        else:
            for table in reversed(_table_names()):
                cursor.execute(f"DELETE FROM {table}")


def _copy_floor() -> float | None:
    """Dump what the import stored, empty the tables, time COPY of it back (committed)."""
    if connection.vendor != "postgresql":
        return None
    dumps = []
    with connection.cursor() as cursor:
        for table in _table_names():
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            dumps.append((table, buffer.getvalue()))
    _wipe()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in reversed(dumps):
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(data)
    return time.perf_counter() - started


def _lycee(uai):
    eleves, responsables = _zips(uai, LYCEE, 1, "9")
    uploads = [
        open_upload(io.BytesIO(eleves), name="ExportXML_ElevesSansAdresses.zip", max_bytes=1 << 30),
        open_upload(
            io.BytesIO(responsables),
            name="ExportXML_ResponsablesAvecAdresses.zip",
            max_bytes=1 << 30,
        ),
    ]
    with RssSampler() as memory:
        started = time.perf_counter()
        report = import_siecle(uploads)
        elapsed = time.perf_counter() - started
    for upload in uploads:
        upload.close()
    assert not report.is_rejected, report.errors[:3]
    return elapsed, memory.growth_mb, len(eleves) + len(responsables)


def _academie(uais, pupils, folder):
    schools = max(1, pupils // PER_SCHOOL)
    for index in range(min(schools, len(uais))):
        uai = uais[index]
        eleves, responsables = _zips(uai, PER_SCHOOL, index, f"{index + 1:02d}")
        school_dir = folder / f"{index:03d}"
        school_dir.mkdir()
        (school_dir / "ExportXML_ElevesSansAdresses.zip").write_bytes(eleves)
        (school_dir / "ExportXML_ResponsablesAvecAdresses.zip").write_bytes(responsables)
    with RssSampler() as memory:
        started = time.perf_counter()
        call_command("import_siecle", str(folder), stdout=io.StringIO())
        elapsed = time.perf_counter() - started
    return elapsed, memory.growth_mb, Student.objects.count()


def run() -> dict:
    if connection.vendor != "postgresql":
        return {"summary": "PostgreSQL requis (plancher COPY)", "passed": None}
    uais = _schools(count=max(2, ACADEMIE // PER_SCHOOL + 1))
    lycee_s, lycee_mb, zip_bytes = _lycee(uais[0])
    lycee_floor = _copy_floor()
    _wipe()
    with tempfile.TemporaryDirectory() as tmp:
        small_dir, big_dir = Path(tmp, "small"), Path(tmp, "big")
        small_dir.mkdir()
        big_dir.mkdir()
        _, small_mb, small_n = _academie(uais[1:], max(PER_SCHOOL, ACADEMIE // 4), small_dir)
        _wipe()
        academie_s, big_mb, big_n = _academie(uais[1:], ACADEMIE, big_dir)
    academie_floor = _copy_floor()
    _wipe()
    Etablissement.objects.all().delete()

    def ratio(value, floor):
        return f"×{value / floor:.1f} le COPY ({floor:.2f} s)" if floor else "sans COPY (SQLite)"

    summary = (
        f"lycée {LYCEE} élèves (2 ZIP, {zip_bytes // 1024} Ko) : {lycee_s:.1f} s, "
        f"{ratio(lycee_s, lycee_floor)}, mémoire +{lycee_mb} Mo ; académie {big_n} élèves "
        f"par commande : {academie_s:.1f} s ({big_n / academie_s:,.0f} élèves/s), "
        f"{ratio(academie_s, academie_floor)} ; mémoire +{small_mb} Mo ({small_n} élèves) "
        f"vs +{big_mb} Mo ({big_n} élèves)"
    )
    return {
        "summary": summary,
        "lycee_pupils": LYCEE,
        "lycee_seconds": round(lycee_s, 2),
        "lycee_copy_floor_seconds": round(lycee_floor, 3) if lycee_floor else None,
        "academie_pupils": big_n,
        "academie_seconds": round(academie_s, 2),
        "academie_copy_floor_seconds": round(academie_floor, 3) if academie_floor else None,
        "memory_mb_small": small_mb,
        "memory_mb_big": big_mb,
    }
