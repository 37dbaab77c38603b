"""Column profiles as data: an académie adds or edits one in the admin, without code."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .profiles import (
    DATE_FORMAT_RE,
    KIND_CHOICES,
    KINDS,
    parse_aliases,
    parse_separators,
    split_lines,
)

ENCODING_CHOICES = [
    ("", "Détection automatique (UTF-8, ISO-8859-15, Windows-1252)"),
    ("utf-8-sig", "UTF-8"),
    ("iso-8859-15", "ISO-8859-15"),
    ("cp1252", "Windows-1252"),
]


class ImportProfile(models.Model):
    kind = models.CharField("import", max_length=20, choices=KIND_CHOICES)
    name = models.CharField("nom", max_length=100)
    description = models.TextField(
        "description", blank=True, help_text="D'où vient ce format (logiciel, menu, académie)."
    )
    active = models.BooleanField(
        "actif", default=True, help_text="Un profil inactif n'est plus essayé à l'import."
    )
    priority = models.PositiveSmallIntegerField(
        "ordre",
        default=100,
        help_text="Les profils actifs sont essayés du plus petit ordre au plus grand.",
    )
    header_aliases = models.TextField(
        "en-têtes reconnus",
        help_text=(
            "Une ligne par champ : « champ = en-tête ; autre en-tête ». Casse, accents, espaces "
            "et ponctuation des en-têtes sont ignorés. Exemple : « ine = INE ; N° INE »."
        ),
    )
    skip_lines = models.PositiveSmallIntegerField(
        "lignes de préambule",
        default=0,
        help_text="Lignes sautées avant la ligne d'en-têtes (8 pour une liste simple Cyclades).",
    )
    strip_chars = models.CharField(
        "caractères qui entourent les valeurs",
        max_length=10,
        blank=True,
        help_text="Retirés au début et à la fin de chaque cellule, par exemple ' pour 'TMA'.",
    )
    blank_values = models.TextField(
        "valeurs vides",
        blank=True,
        help_text="Une par ligne : cellules lues comme vides (par exemple « - »).",
    )
    separators = models.CharField(
        "séparateurs",
        max_length=20,
        default="; ,",
        help_text="Séparés par des espaces ; « tab » pour la tabulation. Le plus présent dans "
        "la ligne d'en-têtes est retenu.",
    )
    encoding = models.CharField(
        "encodage", max_length=20, choices=ENCODING_CHOICES, blank=True, default=""
    )
    date_formats = models.TextField(
        "formats de date",
        default="JJ/MM/AAAA\nAAAA-MM-JJ",
        help_text="Un par ligne, essayés dans l'ordre : JJ/MM/AAAA, AAAA-MM-JJ, MM/AAAA…",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "profil d'import"
        verbose_name_plural = "profils d'import"
        ordering = ["kind", "priority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="import_profile_kind_name")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.name}"

    def clean(self):
        errors = {}
        spec = KINDS.get(self.kind)
        try:
            aliases = parse_aliases(self.header_aliases)
        except ValueError as exc:
            errors["header_aliases"] = str(exc)
        else:
            if spec is not None:
                unknown = sorted(set(aliases) - set(spec.names))
                if unknown:
                    errors["header_aliases"] = (
                        "Champ(s) inconnu(s) pour cet import : "
                        + ", ".join(unknown)
                        + ". Champs possibles : "
                        + ", ".join(spec.names)
                        + "."
                    )
                missing = [n for n in spec.required if n not in aliases]
                if missing and "header_aliases" not in errors:
                    errors["header_aliases"] = (
                        "Champ(s) obligatoire(s) sans en-tête : " + ", ".join(missing) + "."
                    )
        separators = parse_separators(self.separators)
        if not separators or any(len(part) != 1 for part in separators):
            errors["separators"] = "Au moins un séparateur d'un caractère (ou « tab »)."
        formats = split_lines(self.date_formats)
        bad = [f for f in formats if not DATE_FORMAT_RE.match(f.upper())]
        if bad:
            errors["date_formats"] = (
                f"Format(s) illisible(s) : {', '.join(bad)} (JJ, MM, AAAA et / . - attendus)."
            )
        if errors:
            raise ValidationError(errors)
