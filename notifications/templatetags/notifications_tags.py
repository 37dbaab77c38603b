from django import template
from django.contrib.contenttypes.models import ContentType

from ..forms import ResumeForm, SuspendForm
from ..models import Deadline, Reminder, Suspension
from ..perms import case_type_of

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    """Unread inbox items of the logged-in account: one COUNT on a partial index."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).count()


@register.inclusion_tag("notifications/_case_deadlines.html", takes_context=True)
def case_deadlines(context, case):
    """Computed due dates of one case and its reminder suspension, for the case page."""
    ct = ContentType.objects.get_for_model(case)
    return {
        "request": context.get("request"),
        "deadlines": list(
            Deadline.objects.filter(content_type=ct, object_id=case.pk).order_by("due_date")
        ),
        "suspension": Suspension.objects.active()
        .filter(content_type=ct, object_id=case.pk)
        .select_related("suspended_by")
        .first(),
        "case_type": case_type_of(case),
        "case_public_id": getattr(case, "public_id", None),
        "suspend_form": SuspendForm(),
        "resume_form": ResumeForm(),
    }
