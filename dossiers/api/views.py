from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from accounts.perms import SCOPED, HasScopedRole
from audit.api import ListReadLogMixin
from audit.models import AccessLog
from audit.services import log_list_read, log_read
from territories.models import Etablissement

from .. import services
from ..models import (
    Capacity,
    CommissionDecision,
    CommissionSession,
    Entretien,
    RepreparationDossier,
    can_pronounce,
)
from ..perms import COMMISSION_ROLES, HEAD_ROLES, READ_ROLES, TRAIL_ROLES, role_in
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

TRAIL_ACTIONS = {"plan_entretien", "mark_contact_impossible"}


def _drf(exc: ValidationError):
    return DRFValidationError({"detail": " ".join(exc.messages)})


class DossierViewSet(ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """Re-preparation dossiers of the account's scope; changes through `transition`."""

    access_scope = SCOPED
    access_roles = READ_ROLES
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
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        name = data["action"]
        allowed = TRAIL_ROLES if name in TRAIL_ACTIONS else HEAD_ROLES
        dossier = self.get_object()
        if not role_in(request.user, allowed):
            raise NotFound("Ressource introuvable ou hors de votre périmètre.")
        by, comment = request.user, data["comment"]
        try:
            if name == "plan_entretien":
                dossier.plan_entretien(on=self._need(data, "on"), by=by, comment=comment)
            elif name == "express_wish":
                dossier.express_wish(
                    by=by,
                    wish=self._need(data, "wish"),
                    other_route=data["other_route"],
                    comment=comment,
                )
            elif name == "transmit_to_commission":
                school = Etablissement.objects.filter(
                    uai=self._need(data, "proposed_school_uai").upper()
                ).first()
                dossier.transmit_to_commission(
                    by=by,
                    proposed_school=school,
                    impossibility_reason=data["impossibility_reason"],
                    requested_formation=data["requested_formation"],
                    request_reason=data["request_reason"],
                    comment=comment,
                )
            elif name == "inform_family":
                dossier.inform_family(
                    by=by, on=self._need(data, "on"), channel=self._need(data, "channel")
                )
            elif name == "confirm_enrolment":
                dossier.confirm_enrolment(by=by, on=data.get("on"), comment=comment)
            else:
                getattr(dossier, name)(by=by, comment=comment)
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        dossier = self.get_queryset().get(pk=dossier.pk)
        return Response(DossierDetailSerializer(dossier).data)

    @staticmethod
    def _need(data, key):
        if data.get(key) in (None, ""):
            raise DRFValidationError({key: "Ce champ est obligatoire pour cette action."})
        return data[key]


class EntretienViewSet(
    ListReadLogMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    access_scope = SCOPED
    access_roles = READ_ROLES
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
