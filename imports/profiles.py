"""Column profiles: how to read the CSV files whose real layout varies between académies.

A profile (`imports.models.ImportProfile`, edited in the Django admin) says, for one kind of
file (exam results, SIEI lists, absences), which header names mean which field, how many
preamble lines come before the header (Cyclades "listes simples" print 8 lines of criteria),
which characters wrap values (`'TMA'`) and which cells mean "empty" (`" -"`), the separators,
the encoding and the date formats. The fields themselves, and which are required, belong to
the importer and are declared here (`KINDS`).

`read_table` tries the active profiles of a kind in their order and keeps the first whose
header names every required field; the importer's report names it. When none matches, the
French message lists every profile tried with what it missed.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .sources import ImportFileError, decode_bytes, normalize_key


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    required: bool = False


@dataclass(frozen=True)
class KindSpec:
    label: str
    fields: tuple[FieldSpec, ...]
    # Columns whose normalised header starts with one of these are kept as they are (one
    # `note_<CODE>` column per épreuve in the results).
    prefixes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


RESULTS, SIEI, ABSENCES = "results", "siei", "absences"
KINDS: dict[str, KindSpec] = {
    RESULTS: KindSpec(
        "Résultats d'examen",
        (
            FieldSpec("ine", "INE", True),
            FieldSpec("examen", "examen", True),
            FieldSpec("serie_specialite", "série ou spécialité"),
            FieldSpec("session", "session", True),
            FieldSpec("resultat", "résultat", True),
            FieldSpec("moyenne", "moyenne"),
        ),
        prefixes=("note_",),
    ),
    SIEI: KindSpec(
        "Liste SIEI / RIO",
        (
            FieldSpec("numero_siei", "numéro SIEI"),
            FieldSpec("ine", "INE"),
            FieldSpec("nom", "nom", True),
            FieldSpec("prenom", "prénom", True),
            FieldSpec("date_naissance", "date de naissance", True),
            FieldSpec("sexe", "sexe"),
            FieldSpec("uai_dernier_etablissement", "UAI du dernier établissement"),
            FieldSpec("formation", "formation"),
            FieldSpec("date_sortie", "date de sortie"),
            FieldSpec("telephone", "téléphone"),
            FieldSpec("courriel", "courriel"),
            FieldSpec("adresse", "adresse"),
        ),
    ),
    ABSENCES: KindSpec(
        "Absences mensuelles",
        (
            FieldSpec("ine", "INE", True),
            FieldSpec("mois", "mois", True),
            FieldSpec("demi_journees_absence", "demi-journées d'absence", True),
            FieldSpec("dont_non_justifiees", "dont non justifiées", True),
            FieldSpec("incidents", "incidents"),
            FieldSpec("moyenne_trimestre", "moyenne du trimestre"),
            FieldSpec("demi_journees_attendues", "demi-journées attendues"),
        ),
    ),
}
KIND_CHOICES = [(kind, spec.label) for kind, spec in KINDS.items()]

# Date formats are written the French way in a profile: JJ/MM/AAAA, AAAA-MM-JJ, MM/AAAA…
DATE_TOKENS = (("AAAA", "%Y"), ("JJ", "%d"), ("MM", "%m"))
DATE_FORMAT_RE = re.compile(r"^(?:AAAA|JJ|MM|[ ./-])+$")
SEPARATOR_NAMES = {"tab": "\t", "tabulation": "\t"}


def strptime_format(pattern: str) -> str:
    result = pattern.strip().upper()
    for token, directive in DATE_TOKENS:
        result = result.replace(token, directive)
    return result


def parse_aliases(text: str) -> dict[str, list[str]]:
    """`champ = alias 1 ; alias 2` lines into {field: [aliases]} (no check of the fields)."""
    aliases: dict[str, list[str]] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.partition("=")
        if not sep:
            raise ValueError(f"ligne « {line} » : « champ = en-tête ; autre en-tête » attendu")
        names = [a.strip() for a in rest.split(";") if a.strip()]
        aliases.setdefault(name.strip().lower(), []).extend(names)
    return aliases


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_separators(text: str) -> str:
    text = (text or "").strip()
    if text.lower() in SEPARATOR_NAMES:
        return SEPARATOR_NAMES[text.lower()]
    seps = ""
    for part in text.split():
        seps += SEPARATOR_NAMES.get(part.lower(), part)
    return seps


@dataclass
class Profile:
    """One profile as the reader uses it (built from the model, or directly in code)."""

    name: str
    kind: str
    aliases: dict[str, list[str]]
    skip_lines: int = 0
    strip_chars: str = ""
    blank_values: tuple[str, ...] = ()
    separators: str = ";,"
    encoding: str = ""
    date_formats: tuple[str, ...] = ("JJ/MM/AAAA", "AAAA-MM-JJ")
    lookup: dict[str, str] = field(init=False)

    def __post_init__(self):
        self.lookup = {}
        for name, names in self.aliases.items():
            for alias in names:
                self.lookup.setdefault(normalize_key(alias), name)

    @classmethod
    def from_model(cls, obj) -> "Profile":
        return cls(
            name=obj.name,
            kind=obj.kind,
            aliases=parse_aliases(obj.header_aliases),
            skip_lines=obj.skip_lines,
            strip_chars=obj.strip_chars,
            blank_values=tuple(split_lines(obj.blank_values)),
            separators=parse_separators(obj.separators) or ";,",
            encoding=obj.encoding,
            date_formats=tuple(split_lines(obj.date_formats)),
        )

    def clean(self, value: str) -> str:
        value = value.strip()
        if self.strip_chars:
            value = value.strip(self.strip_chars).strip()
        if value in self.blank_values:
            return ""
        return value

    def parse_date(self, value: str) -> dt.date | None:
        """The date of a cell in one of the profile's formats; None when empty; ValueError."""
        value = (value or "").strip()
        if not value:
            return None
        for pattern in self.date_formats:
            try:
                parsed = dt.datetime.strptime(value, strptime_format(pattern)).date()
            except ValueError:
                continue
            if parsed.year >= 1900:
                return parsed
        raise ValueError(value)


@dataclass
class Table:
    """A file read through the profile that matched it."""

    profile: Profile
    tried: list[str]
    header: list[str | None]
    raw_header: list[str]
    encoding: str
    delimiter: str
    _text: str
    _start: int

    @property
    def index(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for i, name in enumerate(self.header):
            if name is not None:
                positions.setdefault(name, i)
        return positions

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number in the file, cleaned cells padded to the header), blank rows skipped."""
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=self.delimiter)
        width = len(self.header)
        # A malformed file raises csv.Error, which the upload jobs report in French.
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            cleaned = [self.profile.clean(c) for c in cells]
            if len(cleaned) < width:
                cleaned += [""] * (width - len(cleaned))
            yield reader.line_num + self._start, cleaned


def _split_preamble(text: str, skip: int) -> tuple[str, str, int] | None:
    """(header line, rest of the text, line number of the header) after `skip` lines."""
    pos, line_no = 0, 0
    for _ in range(skip):
        nl = text.find("\n", pos)
        if nl < 0:
            return None
        pos, line_no = nl + 1, line_no + 1
    while True:  # blank lines between the preamble and the header
        nl = text.find("\n", pos)
        line = text[pos : nl if nl >= 0 else len(text)]
        line_no += 1
        if line.strip():
            break
        if nl < 0:
            return None
        pos = nl + 1
    rest = text[nl + 1 :] if nl >= 0 else ""
    return line.rstrip("\r"), rest, line_no


def _delimiter(header_line: str, allowed: str) -> str:
    counts = {sep: header_line.count(sep) for sep in allowed}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else allowed[0]


def load_profiles(kind: str) -> list[Profile]:
    """The active profiles of `kind`, in their order; the built-in ones when the table holds
    no profile of that kind at all (an empty database, a flushed test database)."""
    from types import SimpleNamespace

    from .builtin import BUILTIN_PROFILES
    from .models import ImportProfile

    rows = list(ImportProfile.objects.filter(kind=kind).order_by("priority", "name"))
    if not rows:
        rows = [SimpleNamespace(**p) for p in BUILTIN_PROFILES if p["kind"] == kind]
    return [Profile.from_model(p) for p in rows if p.active]


def read_table(
    raw: bytes, kind: str, *, profiles: list[Profile] | None = None, encoding: str | None = None
) -> Table:
    """The file read through the first active profile of `kind` that recognises its header.

    Raises `ImportFileError` (French) when the file cannot be decoded, or when no profile
    matches: the message lists the profiles tried and what each missed."""
    spec = KINDS[kind]
    profiles = load_profiles(kind) if profiles is None else profiles
    if not profiles:
        raise ImportFileError(
            f"Aucun profil de colonnes actif pour l'import « {spec.label} » : un "
            "administrateur doit en activer un (administration, « Profils d'import »)."
        )
    texts: dict[str, tuple[str, str] | ImportFileError] = {}
    tried: list[str] = []
    reasons: list[str] = []
    decode_error = None
    decoded_once = False
    shown_header = ""
    for profile in profiles:
        chosen = encoding or profile.encoding or ""
        if chosen not in texts:
            try:
                texts[chosen] = decode_bytes(raw, encoding=chosen or None)
            except ImportFileError as exc:
                texts[chosen] = exc
        decoded = texts[chosen]
        tried.append(profile.name)
        if isinstance(decoded, ImportFileError):
            decode_error = decode_error or decoded
            reasons.append(f"« {profile.name} » : {decoded}")
            continue
        text, used = decoded
        decoded_once = True
        if not text.strip():
            raise ImportFileError("Le fichier est vide.")
        # Lines may end in CRLF, LF or CR alone (older Mac spreadsheets).
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        split = _split_preamble(text, profile.skip_lines)
        if split is None:
            reasons.append(
                f"« {profile.name} » : pas de ligne d'en-têtes après {profile.skip_lines} "
                "ligne(s) de préambule"
            )
            continue
        header_line, rest, header_no = split
        delimiter = _delimiter(header_line, profile.separators)
        raw_header = next(csv.reader([header_line], delimiter=delimiter), [])
        raw_header = [profile.clean(h).lstrip("\ufeff") for h in raw_header]
        header: list[str | None] = []
        for h in raw_header:
            key = normalize_key(h)
            name = profile.lookup.get(key)
            if name is None and any(key.lower().startswith(p) for p in spec.prefixes):
                name = key.lower()
            header.append(name)
        missing = [f.name for f in spec.fields if f.required and f.name not in header]
        if missing:
            shown_header = shown_header or ", ".join(h for h in raw_header[:12] if h)
            reasons.append(f"« {profile.name} » : colonne(s) absente(s) : {', '.join(missing)}")
            continue
        return Table(
            profile=profile,
            tried=tried,
            header=header,
            raw_header=raw_header,
            encoding=used,
            delimiter=delimiter,
            _text=rest,
            _start=header_no,
        )
    if decode_error is not None and not decoded_once:
        raise decode_error
    raise ImportFileError(
        "Aucun profil de colonnes ne reconnaît ce fichier"
        + (f" (en-têtes lus : {shown_header})" if shown_header else "")
        + ". Profils essayés : "
        + " ; ".join(reasons)
        + ". Renommez les colonnes, ou demandez à l'administrateur d'ajouter ces en-têtes à "
        "un profil."
    )
