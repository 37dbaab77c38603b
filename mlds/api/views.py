import django_filters
from django.db.models import Count, Prefetch, Q
from rest_framework import viewsets

from accounts.perms import SCOPED, HasScopedRole
from accounts.roles import DROIT_RETOUR_READ_ROLES, MLDS_PAGE_ROLES
from audit.api import ListReadLogMixin
from audit.models import AccessLog
from audit.services import log_read
from workflows.api import WorkflowActionsMixin

from ..enums import FollowUpSource, FollowUpStatus
from ..models import AmbitionEmploi, DroitRetour, FollowUp, Partner, PfmpPeriod
from ..perms import get_ambition_for_user, get_droit_retour_for_user, get_follow_up_for_user
from ..workflow import AMBITION_WORKFLOW, DROIT_RETOUR_WORKFLOW, FOLLOW_UP_WORKFLOW
from .serializers import (
    AmbitionEmploiSerializer,
    DroitRetourSerializer,
    FollowUpSerializer,
    PartnerSerializer,
)


class FollowUpFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FollowUpStatus.choices, label="Étape")
    source = django_filters.ChoiceFilter(choices=FollowUpSource.choices, label="Origine")
    ine = django_filters.CharFilter(field_name="student__ine", label="INE")

    class Meta:
        model = FollowUp
        fields = ["status", "source", "ine"]


class FollowUpViewSet(WorkflowActionsMixin, ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """MLDS follow-ups of the account's scope (same rules as the pages). Reads are logged;
    `actions/<name>/` applies the page's actions with the same fields."""

    workflow = FOLLOW_UP_WORKFLOW

    access_scope = SCOPED
    access_roles = MLDS_PAGE_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = FollowUpSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_class = FollowUpFilter

    def get_queryset(self):
        return (
            FollowUp.objects.visible_to(self.request.user)
            .select_related(
                "student", "departement", "last_school", "assigned_to", "solution_partner"
            )
            .order_by("id")
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        log_read(request=request, obj=self.get_object(), channel=AccessLog.Channel.API)
        return response

    def get_action_object(self):
        return get_follow_up_for_user(self.request.user, self.kwargs["id"], write=True)


class AmbitionEmploiViewSet(WorkflowActionsMixin, ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    workflow = AMBITION_WORKFLOW

    access_scope = SCOPED
    access_roles = MLDS_PAGE_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = AmbitionEmploiSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = {"status": ["exact"]}

    def get_queryset(self):
        return (
            AmbitionEmploi.objects.visible_to(self.request.user)
            .select_related("student", "school")
            .prefetch_related(
                "partners", Prefetch("pfmp_periods", queryset=PfmpPeriod.objects.all())
            )
            .order_by("id")
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        log_read(request=request, obj=self.get_object(), channel=AccessLog.Channel.API)
        return response

    def get_action_object(self):
        return get_ambition_for_user(self.request.user, self.kwargs["id"], write=True)


class DroitRetourViewSet(WorkflowActionsMixin, ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """Requests to return to initial training of the scope (same rules as the pages);
    `actions/<name>/` records the interview, the proposal, the enrolment or the refusal."""

    workflow = DROIT_RETOUR_WORKFLOW

    access_scope = SCOPED
    access_roles = DROIT_RETOUR_READ_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = DroitRetourSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = {"status": ["exact"]}

    def get_queryset(self):
        return (
            DroitRetour.objects.visible_to(self.request.user)
            .select_related("student")
            .order_by("id")
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        log_read(request=request, obj=self.get_object(), channel=AccessLog.Channel.API)
        return response

    def get_action_object(self):
        return get_droit_retour_for_user(self.request.user, self.kwargs["id"], write=True)


class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    """PSAD partner directory with the number of open follow-ups of the scope held with each."""

    access_scope = SCOPED
    access_roles = MLDS_PAGE_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = PartnerSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = {"partner_type": ["exact"], "is_active": ["exact"]}

    def get_queryset(self):
        visible = FollowUp.objects.visible_to(self.request.user).open().values("id")
        return (
            Partner.objects.visible_to(self.request.user)
            .select_related("departement")
            .prefetch_related("contacts")
            .annotate(caseload=Count("follow_ups", filter=Q(follow_ups__in=visible), distinct=True))
            .order_by("name", "id")
        )
