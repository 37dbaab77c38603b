"""One reader for every uploaded file: ZIP (one entry), XML or CSV, with its encoding.

Every importer (pupils, SIECLE exports, structures, results, absences, SIEI lists) opens its
file here, so that the same limits and the same French messages apply everywhere:
- size: a limit per kind of file, checked on the upload and on what a ZIP entry expands to;
- ZIP: exactly one entry (as SIECLE's `ExportXML_*.zip`), a bounded compression ratio and
  absolute size (a ZIP bomb is refused before it fills the disk);
- encoding: UTF-8 (with or without BOM), UTF-16 (with BOM), and the two 8-bit charsets that
  French school software writes, ISO-8859-15 (SIECLE's declared charset) and Windows-1252.
  These two decode any byte without error and differ on eight letters (`€ Š š Ž ž Œ œ Ÿ`
  against `¤ ¦ ¨ ´ ¸ ¼ ½ ¾`): they are told apart by the bytes only Windows-1252 uses
  (0x80–0x9F) and by where the eight ambiguous bytes stand (inside a word, a letter is meant);
  when the bytes cannot decide, the import asks rather than guesses (`AmbiguousEncoding`).
"""

import codecs
import csv
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat

# A text file rarely compresses beyond 1:30; SIECLE's Nomenclature.zip is about 1:12.
MAX_ZIP_RATIO = 100
CHUNK = 1 << 20

ENCODING_LABELS = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "iso-8859-15": "ISO-8859-15",
    "cp1252": "Windows-1252",
}
# Bytes whose letter differs between ISO-8859-15 and Windows-1252.
AMBIGUOUS_BYTES = re.compile(rb"[\xa4\xa6\xa8\xb4\xb8\xbc-\xbe]")
# Bytes that are printable in Windows-1252 only (C1 control characters in ISO-8859-15).
CP1252_ONLY_BYTES = re.compile(rb"[\x80\x82-\x8c\x8e\x91-\x9c\x9e\x9f]")
XML_PROLOG = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


class ImportFileError(Exception):
    """The file as a whole cannot be read (kind, size, encoding, empty, missing columns)."""


class AmbiguousEncoding(ImportFileError):
    """The bytes read as two different texts; `readings` holds one sample in each charset."""

    def __init__(self, sample: bytes):
        self.readings = {
            "iso-8859-15": sample.decode("iso-8859-15"),
            "cp1252": sample.decode("cp1252"),
        }
        super().__init__(
            "Encodage du fichier indécidable : le même passage se lit « "
            + self.readings["iso-8859-15"]
            + " » en ISO-8859-15 et « "
            + self.readings["cp1252"]
            + " » en Windows-1252. Choisissez l'encodage du fichier puis déposez-le à nouveau."
        )


def normalize_key(value: str) -> str:
    """Upper case, no accents, runs of anything else than letters and digits as one `_`."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def _is_letter_byte(byte: int | None) -> bool:
    if byte is None:
        return False
    return (
        65 <= byte <= 90
        or 97 <= byte <= 122
        or (0xC0 <= byte <= 0xFF and byte not in (0xD7, 0xF7))
        or byte in (0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE)
    )


def detect_encoding(stream, *, forced: str | None = None) -> str:
    """The Python codec of a seekable binary text stream (see the module docstring)."""
    if forced:
        stream.seek(0)
        return forced
    stream.seek(0)
    head = stream.read(4)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        stream.seek(0)
        return "utf-16"
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    cp1252_only = False
    ambiguous_sample = None
    saw_ambiguous = False
    letter_sided = True
    previous = b""
    while chunk := stream.read(CHUNK):
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if not utf8:
            if CP1252_ONLY_BYTES.search(chunk):
                cp1252_only = True
            window = previous + chunk
            for match in AMBIGUOUS_BYTES.finditer(window, len(previous)):
                saw_ambiguous = True
                at = match.start()
                before = window[at - 1] if at else None
                after = window[at + 1] if at + 1 < len(window) else None
                if not (_is_letter_byte(before) or _is_letter_byte(after)):
                    letter_sided = False
                    if ambiguous_sample is None:
                        ambiguous_sample = window[max(0, at - 12) : at + 12]
            previous = chunk[-1:]
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    stream.seek(0)
    if utf8:
        return "utf-8-sig"
    if cp1252_only or not saw_ambiguous:
        # Without any of the eight ambiguous bytes, both charsets give the same text.
        return "cp1252"
    if not letter_sided:
        line = ambiguous_sample.replace(b"\r", b"\n").split(b"\n")
        raise AmbiguousEncoding(
            max(line, key=lambda part: AMBIGUOUS_BYTES.search(part) is not None)
        )
    return "iso-8859-15"


def encoding_label(encoding: str) -> str:
    return ENCODING_LABELS.get(encoding, encoding.upper())


def detect_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


DELIMITER_LABELS = {";": "« ; »", ",": "« , »", "\t": "tabulation", "|": "« | »"}


@dataclass
class Upload:
    """A file ready to be read: its kind (`xml` or `csv`), its name and a seekable binary
    stream (a ZIP entry is extracted to a temporary file first)."""

    kind: str
    name: str
    stream: object
    size: int

    def close(self) -> None:
        self.stream.close()


def _limit_message(max_bytes: int) -> str:
    return (
        f"Le fichier dépasse la taille autorisée ({filesizeformat(max_bytes)}) : découpez-le "
        "ou demandez un import académique."
    )


def open_upload(stream, *, name: str = "", max_bytes: int) -> Upload:
    """Open a ZIP/XML/CSV upload, refusing with a French `ImportFileError` what cannot be one."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise ImportFileError("Le fichier est vide.")
    if size > max_bytes:
        raise ImportFileError(_limit_message(max_bytes))
    head = stream.read(512)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _open_zip(stream, name=name, max_bytes=max_bytes)
    return Upload(kind=_sniff(head, name), name=name, stream=stream, size=size)


def _sniff(head: bytes, name: str) -> str:
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = head.decode("utf-16", errors="ignore").lstrip()
        return "xml" if text.startswith("<") else "csv"
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if stripped.startswith(b"<"):
        return "xml"
    if b"\x00" in head or head.startswith((b"\x89PNG", b"%PDF", b"\xd0\xcf\x11\xe0", b"GIF8")):
        raise ImportFileError(
            f"« {name or 'Le fichier'} » n'est ni un fichier CSV, ni un fichier XML, ni une "
            "archive ZIP : déposez l'export tel que le logiciel l'a produit (CSV, XML ou ZIP)."
        )
    return "csv"


def _open_zip(stream, *, name: str, max_bytes: int) -> Upload:
    try:
        archive = zipfile.ZipFile(stream)
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(
            f"L'archive « {name} » est illisible ou incomplète (téléchargement interrompu ?) : "
            "téléchargez-la à nouveau."
        ) from exc
    if not entries:
        raise ImportFileError(f"L'archive « {name} » est vide : elle ne contient aucun fichier.")
    if len(entries) > 1:
        raise ImportFileError(
            f"L'archive « {name} » contient {len(entries)} fichiers : une archive d'export "
            "SIECLE n'en contient qu'un. Déposez chaque export séparément."
        )
    entry = entries[0]
    if entry.file_size > max_bytes:
        raise ImportFileError(_limit_message(max_bytes))
    if entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1) and entry.file_size > CHUNK:
        raise ImportFileError(
            f"L'archive « {name} » est suspecte (taux de compression supérieur à "
            f"{MAX_ZIP_RATIO}) : elle n'est pas importée."
        )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115 (Upload.close)
    written = 0
    try:
        with archive.open(entry) as member:
            while chunk := member.read(CHUNK):
                written += len(chunk)
                # The header's sizes can lie: count what really comes out.
                if (
                    written > max_bytes
                    or written > MAX_ZIP_RATIO * max(entry.compress_size, 1) + CHUNK
                ):
                    raise ImportFileError(
                        f"L'archive « {name} » se décompresse au-delà de la taille autorisée : "
                        "elle n'est pas importée."
                    )
                spool.write(chunk)
    except ImportFileError:
        spool.close()
        raise
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        spool.close()
        raise ImportFileError(
            f"L'archive « {name} » est illisible ou incomplète : téléchargez-la à nouveau."
        ) from exc
    spool.seek(0)
    head = spool.read(512)
    spool.seek(0)
    inner = entry.filename.rsplit("/", 1)[-1]
    return Upload(kind=_sniff(head, inner), name=inner, stream=spool, size=written)


def copy_to_temp(stream) -> object:
    """A seekable copy of a non-seekable stream."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115
    shutil.copyfileobj(stream, spool, CHUNK)
    spool.seek(0)
    return spool


def xml_encoding(stream) -> str:
    """The charset declared by the XML prolog (UTF-8 by default, as XML says)."""
    stream.seek(0)
    head = stream.read(256)
    stream.seek(0)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    match = XML_PROLOG.match(head.lstrip(codecs.BOM_UTF8))
    return match.group(1).decode("ascii").lower() if match else "utf-8"


class CsvSource:
    """A binary, seekable CSV stream read as many times as needed, as text rows."""

    def __init__(self, stream, *, encoding: str | None = None):
        self.stream = stream
        self.encoding = detect_encoding(stream, forced=encoding)
        try:
            with self._text() as text:
                first = text.readline()
        except UnicodeError as exc:
            raise ImportFileError(
                f"Le fichier n'est pas lisible en {encoding_label(self.encoding)} : "
                "enregistrez-le en CSV UTF-8."
            ) from exc
        if not first.strip():
            raise ImportFileError("Le fichier est vide ou sa première ligne (les en-têtes) l'est.")
        self.delimiter = detect_delimiter(first)
        self.header_line = first.strip()

    def _text(self):
        self.stream.seek(0)
        return _DetachingWrapper(self.stream, self.encoding)

    def rows(self, *, skip_lines: int = 0) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields), header included as the first row, blank lines skipped."""
        with self._text() as text:
            for _ in range(skip_lines):
                text.readline()
            reader = csv.reader(text, delimiter=self.delimiter)
            try:
                for fields in reader:
                    if fields and any(f.strip() for f in fields):
                        yield reader.line_num + skip_lines, fields
            except UnicodeError as exc:
                raise ImportFileError(
                    f"Ligne {reader.line_num + skip_lines + 1} : caractères illisibles dans "
                    f"l'encodage {self.encoding_label}. Enregistrez le fichier en CSV UTF-8."
                ) from exc
            except csv.Error as exc:
                raise ImportFileError(
                    f"Ligne {reader.line_num + skip_lines} : CSV mal formé ({exc})."
                ) from exc

    @property
    def encoding_label(self) -> str:
        return encoding_label(self.encoding)

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_LABELS.get(self.delimiter, self.delimiter)

    def header_problem(self, header: list[str], missing: list[str], expected) -> str:
        """A French explanation of missing columns that names what was actually read."""
        read = [h.strip() for h in header if h.strip()]
        message = "Colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing) + ". "
        if len(read) <= 1:
            others = [
                label
                for sep, label in DELIMITER_LABELS.items()
                if sep != self.delimiter and sep in self.header_line
            ]
            message += (
                f"Une seule colonne lue avec le séparateur {self.delimiter_label}"
                + (f" : le fichier semble séparé par {others[0]}" if others else "")
                + ". "
            )
        shown = ", ".join(read[:12]) + (" …" if len(read) > 12 else "")
        message += (
            f"En-têtes lus ({self.encoding_label}, séparateur {self.delimiter_label}) : "
            f"{shown or '(aucun)'}. En-têtes attendus : " + ";".join(expected) + "."
        )
        return message


class _DetachingWrapper(io.TextIOWrapper):
    """A text view that leaves the underlying binary stream open when it is done."""

    def __init__(self, stream, encoding):
        super().__init__(stream, encoding=encoding, newline="")

    def __exit__(self, *exc):
        self.detach()


def decode_bytes(raw: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding) of a whole small file held in memory, by the same detection."""
    stream = io.BytesIO(raw)
    chosen = detect_encoding(stream, forced=encoding)
    try:
        return raw.decode(chosen), chosen
    except UnicodeError as exc:
        raise ImportFileError(
            f"Le fichier n'est pas lisible en {encoding_label(chosen)} : enregistrez-le en CSV "
            "UTF-8."
        ) from exc
