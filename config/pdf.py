"""The one PDF stack (WeasyPrint): every document extends templates/pdf/base.html and opens
with templates/pdf/_letterhead.html; the académie name and the day come from here."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

# WeasyPrint reports every layout step at INFO: keep the worker logs readable.
for name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(name).setLevel(logging.WARNING)


def _html(template: str, context: dict) -> str:
    base = {
        "ACADEMIE_NAME": getattr(settings, "ACADEMIE_NAME", "Académie"),
        "today": timezone.localdate(),
    }
    return render_to_string(template, {**base, **context})


def font_config() -> object:
    """One font configuration for many documents rendered in a row (a batch of letters): a
    new one per document is never freed and costs about 0.25 MB each (measured: +90 MB over
    400 letters, flat when shared)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_document(template: str, context: dict, *, fonts=None):
    """A laid-out WeasyPrint document (pages can be combined before writing)."""
    from weasyprint import HTML

    html = HTML(string=_html(template, context), base_url=str(settings.BASE_DIR))
    return html.render(font_config=fonts) if fonts is not None else html.render()


def write(documents) -> tuple[bytes, int]:
    """Combine laid-out documents into one PDF; returns (bytes, page count)."""
    documents = list(documents)
    pages = [page for doc in documents for page in doc.pages]
    return documents[0].copy(pages).write_pdf(), len(pages)


def render_pdf(template: str, context: dict) -> tuple[bytes, int]:
    return write([render_document(template, context)])


def write_to(documents, path) -> int:
    """Combine laid-out documents into one PDF file at `path`; returns the page count."""
    documents = list(documents)
    pages = [page for doc in documents for page in doc.pages]
    documents[0].copy(pages).write_pdf(target=str(path))
    return len(pages)


def concatenate(parts, path) -> None:
    """Join PDF files into one, page after page, in a `pdfunite` subprocess (poppler-utils):
    the pages go from file to file without ever being held by the Python process, whose memory
    stays that of one chunk of letters whatever the batch size."""
    import shutil
    import subprocess

    parts = [str(part) for part in parts]
    if not parts:
        raise ValueError("Aucun fichier PDF à assembler.")
    if len(parts) == 1:
        shutil.copyfile(parts[0], path)
        return
    tool = shutil.which("pdfunite")
    if tool is None:
        raise RuntimeError("pdfunite (paquet poppler-utils) est introuvable sur ce serveur.")
    done = subprocess.run([tool, *parts, str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Assemblage du PDF impossible : {done.stderr.strip()[:500]}")
