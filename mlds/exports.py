"""CSV export of follow-ups, laid out for reconciliation with the SIEI / RIO lists.

The identity columns come first, in the order of the SIEI import file, so that both
files can be matched side by side; the MLDS columns follow. Every cell is protected
against spreadsheet formula injection.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EXPORT_HEADER = [
    "ine",
    "nom",
    "prenom",
    "date_naissance",
    "uai_dernier_etablissement",
    "formation",
    "date_sortie",
    "numero_suivi",
    "origine",
    "etape",
    "signale_le",
    "coordonnateur",
    "site_paqi",
    "premier_contact",
    "temps_de_bilan",
    "solution",
    "structure_partenaire",
    "entree_en_solution",
    "fin_suivi_conjoint",
    "issue",
    "motif_cloture",
    "clos_le",
]


def safe_cell(value) -> str:
    """Neutralise a cell a spreadsheet would read as a formula (prefix it with a quote)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def export_rows(queryset):
    """(public_id, row) pairs, streamed with a server-side cursor (flat memory)."""
    qs = queryset.select_related(
        "student", "last_school", "assigned_to", "paqi_site", "solution_partner"
    ).order_by("student__last_name", "student__first_name", "id")
    for fu in qs.iterator(chunk_size=2000):
        s = fu.student
        row = [
            s.ine or "",
            s.last_name,
            s.first_name,
            _date(s.birth_date),
            fu.last_school.uai if fu.last_school else "",
            fu.last_training,
            _date(fu.left_on),
            str(fu.public_id),
            fu.get_source_display(),
            fu.get_status_display(),
            _date(fu.signaled_on),
            fu.assigned_to.get_full_name() if fu.assigned_to else "",
            fu.paqi_site.name if fu.paqi_site else "",
            _date(fu.contacted_on),
            _date(fu.bilan_on),
            fu.get_solution_type_display() if fu.solution_type else "",
            fu.solution_partner.name if fu.solution_partner else "",
            _date(fu.solution_start_on),
            _date(fu.transition_end_on),
            fu.get_outcome_display() if fu.outcome else "",
            fu.get_closure_reason_display() if fu.closure_reason else "",
            _date(fu.closed_on),
        ]
        yield fu.public_id, [safe_cell(v) for v in row]
