from django import template
from django.contrib.contenttypes.models import ContentType

from .. import registry
from ..forms import ResumeForm, SuspendForm
from ..models import Deadline, Reminder, Suspension
from ..perms import case_type_of

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    """Unread inbox items of the logged-in account (about cases it may open): one COUNT on a
    partial index."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Reminder.objects.for_user(user).unread().count()


@register.inclusion_tag("notifications/_case_deadlines.html", takes_context=True)
def case_deadlines(context, case):
    """Computed due dates of one case and its reminder suspension, for the case page."""
    ct = ContentType.objects.get_for_model(case)
    request = context.get("request")
    user = getattr(request, "user", None)
    registered = registry.case_type(case)
    return {
        "request": request,
        "deadlines": list(
            Deadline.objects.filter(content_type=ct, object_id=case.pk).order_by("due_date")
        ),
        "suspension": Suspension.objects.active()
        .filter(content_type=ct, object_id=case.pk)
        .select_related("suspended_by")
        .first(),
        "case_type": case_type_of(case),
        "case_public_id": getattr(case, "public_id", None),
        # Suspending is a write: offered only to whoever may act on the case.
        "can_suspend": user is not None
        and registered is not None
        and registered.writable(user).filter(pk=case.pk).exists(),
        "suspend_form": SuspendForm(),
        "resume_form": ResumeForm(),
    }
