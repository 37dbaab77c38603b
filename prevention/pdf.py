"""PDFs of the dérogatoire path: the contract for signature and the pedagogical document."""

from config.pdf import render_pdf

TEMPLATES = {
    "contrat": "prevention/pdf/contrat.html",
    "document-pedagogique": "prevention/pdf/document_pedagogique.html",
}


def render_derogatoire_pdf(path, *, document: str) -> bytes:
    student = path.student
    content, _pages = render_pdf(
        TEMPLATES[document],
        {
            "path": path,
            "student": student,
            "school": path.school,
            "objectives": list(path.objectives.all()),
            "bilans": list(path.bilans.all()),
            "representatives": list(student.representatives.all()),
            "priority": path.is_priority,
            "age": student.age_on(path.planned_start),
        },
    )
    return content
