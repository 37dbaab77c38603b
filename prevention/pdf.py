"""PDFs of the dérogatoire path: the contract for signature and the pedagogical document."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

TEMPLATES = {
    "contrat": "prevention/pdf/contrat.html",
    "document-pedagogique": "prevention/pdf/document_pedagogique.html",
}


def render_derogatoire_pdf(path, *, document: str) -> bytes:
    from weasyprint import HTML

    student = path.student
    html = render_to_string(
        TEMPLATES[document],
        {
            "path": path,
            "student": student,
            "school": path.school,
            "objectives": list(path.objectives.all()),
            "bilans": list(path.bilans.all()),
            "representatives": list(student.representatives.all()),
            "academie": settings.ACADEMIE_NAME,
            "today": timezone.localdate(),
            "priority": path.is_priority,
            "age": student.age_on(path.planned_start),
        },
    )
    return HTML(string=html).write_pdf()
