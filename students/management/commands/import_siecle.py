"""Académie-wide intake of SIECLE exports: a folder (or a list) of ZIP/XML files, any school."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from imports.sources import ImportFileError, open_upload
from students import siecle
from students.siecle_import import import_siecle


class Command(BaseCommand):
    help = (
        "Importe des exports SIECLE (ElevesSansAdresses/ElevesAvecAdresses, "
        "ResponsablesAvecAdresses, Nomenclature ; ZIP ou XML) de tous les établissements "
        "connus. Les fichiers d'un même établissement (même UAJ) sont importés ensemble, tout "
        "ou rien ; un établissement refusé n'empêche pas les autres."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Fichiers ou dossiers d'exports SIECLE.")
        parser.add_argument(
            "--user", default=None, help="Identifiant du compte à qui attribuer les changements."
        )

    def handle(self, *args, paths, user, **options):
        account = None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"Compte « {user} » inconnu.")
        files = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.suffix.lower() in (".zip", ".xml"))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"« {raw} » n'existe pas.")
        limit = settings.IMPORT_MAX_BYTES["eleves"]
        by_school: dict[str, list[Path]] = {}
        nomenclature = None
        failures = 0
        for path in files:
            try:
                with path.open("rb") as stream, _opened(stream, path, limit) as upload:
                    params = siecle.read_parameters(upload.stream, name=path.name)
            except ImportFileError as exc:
                self.stderr.write(f"{path.name} : {exc}")
                failures += 1
                continue
            if params.kind == siecle.NOMENCLATURE:
                nomenclature = path
            else:
                by_school.setdefault(params.uai, []).append(path)
        started = time.monotonic()
        pupils = imported = 0
        for uai, school_files in sorted(by_school.items()):
            group = ([nomenclature] if nomenclature else []) + school_files
            streams = [path.open("rb") for path in group]
            uploads = []
            try:
                for path, stream in zip(group, streams, strict=True):
                    uploads.append(open_upload(stream, name=path.name, max_bytes=limit))
                report = import_siecle(uploads, user=account)
            except ImportFileError as exc:
                self.stderr.write(f"{uai} : {exc}")
                failures += 1
                continue
            finally:
                for item in uploads:
                    item.close()
                for stream in streams:
                    stream.close()
            if report.is_rejected:
                failures += 1
                self.stderr.write(f"{uai} : refusé, rien n'a été enregistré.")
                for error in report.errors[:20]:
                    column = f" [{error.column}]" if error.column else ""
                    self.stderr.write(f"  {error.message}{column}")
                continue
            pupils += report.rows
            imported += 1
            self.stdout.write(
                f"{uai} : {report.rows} élève(s), {report.created} créé(s), "
                f"{report.updated} mis à jour."
            )
            for warning in report.warnings:
                self.stdout.write(f"  {warning}")
        elapsed = time.monotonic() - started
        summary = (
            f"{imported} établissement(s) importé(s), {pupils} élève(s) en {elapsed:.1f} s ; "
            f"{failures} refus."
        )
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))


class _opened:
    """open_upload as a context manager that closes what it extracted."""

    def __init__(self, stream, path, limit):
        self.upload = open_upload(stream, name=path.name, max_bytes=limit)

    def __enter__(self):
        return self.upload

    def __exit__(self, *exc):
        if self.upload.stream is not None:
            self.upload.close()
