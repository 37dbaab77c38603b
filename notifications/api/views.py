import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.perms import SCOPED, HasScopedRole
from audit.api import ListReadLogMixin

from .. import registry
from ..models import Deadline, Reminder
from ..views import end_of_week
from .serializers import DeadlineSerializer, InboxItemSerializer

VIEW_CHOICES = [("semaine", "Échéance cette semaine"), ("retard", "En retard")]


class DeadlineFilter(django_filters.FilterSet):
    # The URLconf loads after every AppConfig.ready(): all kinds are registered by then.
    kind = django_filters.ChoiceFilter(choices=registry.kind_choices(), label="Type d'échéance")
    vue = django_filters.ChoiceFilter(choices=VIEW_CHOICES, method="filter_view", label="Vue")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    school = django_filters.CharFilter(field_name="school__uai", label="UAI")

    class Meta:
        model = Deadline
        fields = ["kind", "due_before", "school"]

    def filter_view(self, queryset, name, value):
        today = timezone.localdate()
        if value == "semaine":
            return queryset.open().filter(due_date__gte=today, due_date__lte=end_of_week(today))
        return queryset.overdue(today)


class DeadlineViewSet(ListReadLogMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open deadlines of the account's scope (add ?vue=retard or ?vue=semaine)."""

    access_scope = SCOPED
    permission_classes = [HasScopedRole]
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter

    def get_queryset(self):
        return (
            Deadline.objects.visible_to(self.request.user)
            .open()
            .select_related("student", "school")
            .order_by("due_date", "id")
        )


class InboxItemFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="Non lus"
    )

    class Meta:
        model = Reminder
        fields = ["unread", "stage"]


class InboxItemViewSet(ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """The account's own reminders; POST …/lu/ marks one as read."""

    access_scope = SCOPED
    permission_classes = [HasScopedRole]
    serializer_class = InboxItemSerializer
    read_log_student = "deadline.student_id"
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_class = InboxItemFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Reminder.objects.none()
        return (
            Reminder.objects.for_user(self.request.user)
            .select_related("deadline__student", "deadline__school")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=None, responses=InboxItemSerializer)
    @action(detail=True, methods=["post"], url_path="lu")
    def mark_read(self, request, id=None):
        reminder = self.get_object()
        if reminder.read_at is None:
            reminder.read_at = timezone.now()
            reminder.save(update_fields=["read_at"])
        return Response(self.get_serializer(reminder).data)
