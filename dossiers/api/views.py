from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from accounts.perms import SCOPED, HasScopedRole
from accounts.roles import COMMISSION_ROLES, DOSSIER_READ_ROLES, TRAIL_ROLES, role_in
from audit.api import ListReadLogMixin
from audit.models import AccessLog
from audit.services import log_list_read, log_read
from territories.models import Etablissement
from workflows.api import WorkflowActionsMixin

from .. import services
from ..models import (
    Capacity,
    CommissionDecision,
    CommissionSession,
    Entretien,
    RepreparationDossier,
    can_pronounce,
)
from ..workflow import DOSSIER_WORKFLOW
from .serializers import (
    DecisionSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    EntretienSerializer,
    PronounceResultSerializer,
    PronounceSerializer,
    SessionSerializer,
    TransitionSerializer,
)


def _drf(exc: ValidationError):
    return DRFValidationError({"detail": " ".join(exc.messages)})


TRANSITION_REQUIRED = {
    "plan_entretien": ("on",),
    "express_wish": ("wish",),
    "transmit_to_commission": ("proposed_school_uai",),
    "inform_family": ("on", "channel"),
}


class DossierViewSet(WorkflowActionsMixin, ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """Re-preparation dossiers of the account's scope; changes through `actions/<name>/`
    (the body holds the fields of the page's form) or `transition` (the action in the body)."""

    workflow = DOSSIER_WORKFLOW
    action_serializer_class = DossierDetailSerializer

    access_scope = SCOPED
    access_roles = DOSSIER_READ_ROLES
    permission_classes = [HasScopedRole]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["state"]

    def get_queryset(self):
        qs = (
            RepreparationDossier.objects.visible_to(self.request.user)
            .select_related(
                "student", "school", "exam_result", "proposed_school", "commission_departement"
            )
            .by_priority()
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related("exam_result__marks")
        return qs

    def get_serializer_class(self):
        if self.action == "transition":
            return TransitionSerializer
        return DossierDetailSerializer if self.action == "retrieve" else DossierListSerializer

    def retrieve(self, request, *args, **kwargs):
        dossier = self.get_object()
        log_read(request=request, obj=dossier.student, channel=AccessLog.Channel.API)
        return Response(DossierDetailSerializer(dossier).data)

    @extend_schema(request=TransitionSerializer, responses={200: DossierDetailSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, id=None):
        """The action named in the body: the serializer's fields, the same model methods and
        guards as `actions/<name>/` (the declared transition decides who may)."""
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        name = data.pop("action")
        dossier = self.get_object()
        if not DOSSIER_WORKFLOW[name].may(request.user):
            raise NotFound("Ressource introuvable ou hors de votre périmètre.")
        for key in TRANSITION_REQUIRED.get(name, ()):
            self._need(data, key)
        if name == "transmit_to_commission":
            data["proposed_school"] = Etablissement.objects.filter(
                uai=data.pop("proposed_school_uai").upper()
            ).first()
        try:
            DOSSIER_WORKFLOW.run(dossier, name, by=request.user, data=data)
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return self.action_response(dossier)

    @staticmethod
    def _need(data, key):
        if data.get(key) in (None, ""):
            raise DRFValidationError({key: "Ce champ est obligatoire pour cette action."})
        return data[key]


class EntretienViewSet(
    ListReadLogMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    access_scope = SCOPED
    access_roles = DOSSIER_READ_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = EntretienSerializer
    read_log_student = "dossier.student_id"

    def get_queryset(self):
        dossiers = RepreparationDossier.objects.visible_to(self.request.user)
        return Entretien.objects.filter(dossier__in=dossiers).select_related("dossier")

    def create(self, request, *args, **kwargs):
        if not role_in(request.user, TRAIL_ROLES):
            raise NotFound("Ressource introuvable ou hors de votre périmètre.")
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        dossier_id = data.pop("dossier")["public_id"]
        dossier = get_object_or_404(
            RepreparationDossier.objects.visible_to(request.user), public_id=dossier_id
        )
        try:
            entretien = dossier.record_entretien(by=request.user, **data)
        except ValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(entretien).data, status=status.HTTP_201_CREATED)


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    access_scope = SCOPED
    access_roles = COMMISSION_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = SessionSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return CommissionSession.objects.visible_to(self.request.user).select_related(
            "commission__departement"
        )

    @extend_schema(responses={200: DossierListSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def docket(self, request, id=None):
        """The session's agenda: transmitted dossiers of the département, by priority."""
        session = self.get_object()
        qs = session.pending_dossiers().select_related("student", "school", "exam_result")
        page = self.paginate_queryset(qs)
        response = self.get_paginated_response(DossierListSerializer(page, many=True).data)
        log_list_read(
            request=request,
            object_type="docket",
            student_ids=(d.student_id for d in page),
            row_count=len(page),
            channel=AccessLog.Channel.API,
        )
        return response

    @extend_schema(
        request=PronounceSerializer,
        responses={200: PronounceResultSerializer, 403: None, 409: None},
    )
    @action(detail=True, methods=["post"])
    def pronounce(self, request, id=None):
        """The IA-DASEN (or a delegate) pronounces the session's proposed assignments."""
        session = self.get_object()
        body = PronounceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not can_pronounce(request.user, session.commission.departement_id):
            return Response(
                {
                    "detail": "Seul l'IA-DASEN du département, ou la personne à qui il a "
                    "délégué le prononcé des affectations, peut prononcer une affectation."
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        try:
            done, refused = services.pronounce(
                session=session, by=request.user, dossier_ids=body.validated_data.get("dossiers")
            )
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(
            {"pronounced": DecisionSerializer(done, many=True).data, "refused": refused}
        )


class DecisionViewSet(
    ListReadLogMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    access_scope = SCOPED
    access_roles = COMMISSION_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = DecisionSerializer
    read_log_student = "dossier.student_id"

    def get_queryset(self):
        sessions = CommissionSession.objects.visible_to(self.request.user)
        return CommissionDecision.objects.filter(session__in=sessions).select_related(
            "session", "dossier", "capacity__school"
        )

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = get_object_or_404(
            CommissionSession.objects.visible_to(request.user),
            public_id=data["session"]["public_id"],
        )
        dossier = get_object_or_404(
            RepreparationDossier.objects.visible_to(request.user),
            public_id=data["dossier"]["public_id"],
        )
        capacity = None
        capacity_id = (data.get("capacity") or {}).get("public_id")
        if capacity_id:
            capacity = Capacity.objects.filter(
                commission=session.commission, public_id=capacity_id
            ).first()
            if capacity is None:
                raise DRFValidationError({"capacity": "Capacité d'accueil inconnue."})
        try:
            decision = services.decide(
                session=session,
                dossier=dossier,
                outcome=data["outcome"],
                capacity=capacity,
                reason=data.get("reason", ""),
                by=request.user,
            )
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)
