from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

from accounts.perms import SCOPED, access
from audit.models import RetentionNotice
from audit.services import log_list_read, log_read
from config import keyset
from territories.enums import Voie
from territories.models import Etablissement

from . import rules
from .enums import Level
from .forms import StudentFilterForm
from .models import Student
from .perms import can_write_students, get_student_for_user

PAGE_SIZE = 50


def filtered_students(user, params):
    """The pupil list of the active scope, filtered by the list form (shared by page and export)."""
    schools = Etablissement.objects.visible_to(user).only("id", "name", "uai")
    form = StudentFilterForm(params or None, schools=schools)
    qs = Student.objects.visible_to(user)
    if form.is_valid():
        data = form.cleaned_data
        qs = qs.search(data["q"])
        if data["school"]:
            qs = qs.filter(current_school=data["school"])
        if data["level"]:
            qs = qs.filter(level=data["level"])
        if data["voie"]:
            qs = qs.filter(voie=data["voie"])
        if data["age_band"]:
            qs = qs.in_age_band(data["age_band"], timezone.localdate())
    return form, qs


LIST_COLUMNS = (
    "public_id",
    "ine",
    "last_name",
    "first_name",
    "birth_date",
    "level",
    "voie",
    "current_school__name",
    "id",
)


# Pages reached by number (`?page=N`, OFFSET); past them, and for every "Page suivante", the
# list is read by cursor on its ordered index (config/keyset.py).
PAGE_LINKS = 5
LIST_ORDER = ("last_name", "first_name", "id")


@dataclass
class Pager:
    """What the pagination bar needs: counts and the four links (None when absent)."""

    count: int
    number: int
    num_pages: int
    rows: list
    first_url: str | None = None
    previous_url: str | None = None
    next_url: str | None = None
    last_url: str | None = None


def _paginate(request, qs) -> tuple[Pager, str]:
    """The page asked for: `?apres=`/`?avant=` (signed cursor, read by keyset) or `?page=N`
    (by number, for the first pages and old links). A bad cursor shows page 1 and a notice."""
    query = request.GET.copy()
    for name in ("page", keyset.AFTER, keyset.BEFORE):
        query.pop(name, None)
    base = "?" + (query.urlencode() + "&" if query else "")
    notice = ""
    direction = keyset.AFTER if keyset.AFTER in request.GET else None
    if keyset.BEFORE in request.GET and direction is None:
        direction = keyset.BEFORE
    if direction:
        try:
            cursor = keyset.decode(request.GET.get(direction, ""))
            count = qs.count()
            size = PAGE_SIZE
            if direction == keyset.BEFORE and cursor.key is None:
                size = keyset.last_page_size(count, PAGE_SIZE)
            page = keyset.read(
                qs, ordering=LIST_ORDER, direction=direction, cursor=cursor, size=size,
                values=LIST_COLUMNS,
            )  # fmt: skip
            pager = Pager(count, page.number, _num_pages(count), page.rows)
            if not page.has_next:
                pager.number = pager.num_pages
            has_previous, has_next = page.has_previous, page.has_next
        except keyset.BadCursor as exc:
            notice, direction = str(exc), None
    if not direction:
        paginator = Paginator(qs.values_list(*LIST_COLUMNS), PAGE_SIZE)
        numbered = paginator.get_page(request.GET.get("page"))
        pager = Pager(
            paginator.count, numbered.number, paginator.num_pages, list(numbered.object_list)
        )
        has_previous, has_next = numbered.has_previous(), numbered.has_next()
    rows = pager.rows
    if has_previous:
        pager.first_url = f"{base}page=1"
        previous = pager.number - 1
        if previous <= PAGE_LINKS:
            pager.previous_url = f"{base}page={previous}"
        else:  # before the first row shown; past the end, the last page
            key = rows[0][-1] if rows else None
            pager.previous_url = f"{base}{keyset.BEFORE}={keyset.encode(key, previous)}"
    if has_next and rows:
        pager.next_url = f"{base}{keyset.AFTER}={keyset.encode(rows[-1][-1], pager.number + 1)}"
        pager.last_url = f"{base}{keyset.BEFORE}={keyset.encode(None, pager.num_pages)}"
    return pager, notice


def _num_pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


@access(SCOPED)
def student_list(request):
    form, qs = filtered_students(request.user, request.GET)
    pager, notice = _paginate(request, qs)
    schools = form.fields["school"].queryset.order_by("name").values_list("id", "name")
    filters = {key: request.GET.get(key, "") for key in form.fields}
    log_list_read(
        request=request,
        object_type="student",
        student_ids=(row[-1] for row in pager.rows),
        row_count=len(pager.rows),
    )
    return render(
        request,
        "students/student_list.html",
        {
            "form": form,
            "filters": filters,
            "school_options": _options(
                [("", form.fields["school"].empty_label), *schools], filters["school"]
            ),
            "level_options": _options(form.fields["level"].choices, filters["level"]),
            "voie_options": _options(form.fields["voie"].choices, filters["voie"]),
            "age_options": _options(form.fields["age_band"].choices, filters["age_band"]),
            "pager": pager,
            "pager_notice": notice,
            "rows": _list_rows(pager.rows, timezone.localdate()),
            "can_import": can_write_students(request.user),
            "today": timezone.localdate(),
        },
    )


LEVEL_LABELS = dict(Level.choices)
VOIE_LABELS = dict(Voie.choices)


def _options(choices, selected: str) -> str:
    """`<option>` elements of a filter, the submitted one selected, every value escaped."""
    return mark_safe(  # noqa: S308 - values and labels are escaped
        "".join(
            f'<option value="{escape(str(value))}"'
            + (" selected" if str(value) == selected else "")
            + f">{escape(str(label))}</option>"
            for value, label in choices
        )
    )


NO_INE_BADGE = '<span class="fr-badge fr-badge--sm fr-badge--warning">Sans INE</span>'


def _list_rows(rows, today) -> str:
    """The table body, built from plain tuples (`LIST_COLUMNS`) with every value escaped: the
    list is the most visited page, and its 50 rows need neither model instances nor template
    nodes (they cost more than the SQL behind the page)."""
    base = reverse("students:list")
    html = []
    for public_id, ine, last_name, first_name, birth_date, level, voie, school, _pk in rows:
        cells = (
            escape(ine) if ine else NO_INE_BADGE,
            birth_date.strftime("%d/%m/%Y"),
            f"{rules.age_on(birth_date, today)} ans",
            escape(LEVEL_LABELS.get(level, "")),
            escape(VOIE_LABELS.get(voie, "")),
            escape(school or "—"),
        )
        html.append(
            f'<tr data-testid="student-row"><td><a href="{base}{public_id}/">'
            f"{escape(Student.display_name(last_name, first_name))}</a></td><td>"
            + "</td><td>".join(cells)
            + "</td></tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


@access(SCOPED)
def student_detail(request, public_id):
    student = get_student_for_user(request.user, public_id)
    log_read(request=request, obj=student)
    history = student.history.select_related("history_user").order_by("-history_date")[:20]
    try:
        at = parse_date(request.GET.get("date", ""))
    except ValueError:
        at = None
    return render(
        request,
        "students/student_detail.html",
        {
            "student": student,
            "representatives": student.representatives.order_by("responsibility_level", "id"),
            "enrolments": student.enrolments.select_related("school"),
            "can_record_exit": can_write_students(request.user),
            "history": history,
            "today": timezone.localdate(),
            "retention": RetentionNotice.objects.filter(student=student).first(),
            "at": at,
            "age_at": student.age_on(at) if at and at >= student.birth_date else None,
            "status_at": student.legal_status_on(at) if at and at >= student.birth_date else None,
            "cases": [
                case
                for dotted in settings.STUDENT_CASES
                for case in import_string(dotted)(request, student)
            ],
        },
    )


def dashboard_panel(request) -> str:
    role = request.user.active_role
    if not role.is_nominative:
        return ""
    count = Student.objects.visible_to(request.user).count()
    return render_to_string(
        "students/_dashboard.html",
        {"count": count, "can_import": can_write_students(request.user)},
        request=request,
    )
