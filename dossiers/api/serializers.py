from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..enums import Channel, DecisionOutcome, OtherRoute, Wish
from ..models import (
    CommissionDecision,
    CommissionSession,
    Entretien,
    EpreuveMark,
    RepreparationDossier,
)


class DeadlineOutSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()


class MarkSerializer(serializers.ModelSerializer):
    class Meta:
        model = EpreuveMark
        fields = ["code", "label", "mark", "session_year"]


class DossierListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student_id = serializers.UUIDField(source="student.public_id", read_only=True)
    student_name = serializers.CharField(source="student.full_name", read_only=True)
    ine = serializers.CharField(source="student.ine", read_only=True)
    school_uai = serializers.CharField(source="school.uai", read_only=True)
    exam = serializers.CharField(source="exam_result.exam", read_only=True)
    specialty = serializers.CharField(source="exam_result.specialty", read_only=True)
    session_year = serializers.IntegerField(source="exam_result.session_year", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    next_step = serializers.CharField(read_only=True)

    class Meta:
        model = RepreparationDossier
        fields = [
            "id",
            "student_id",
            "student_name",
            "ine",
            "school_uai",
            "exam",
            "specialty",
            "session_year",
            "opened_on",
            "state",
            "state_label",
            "next_step",
            "average",
            "below_ten_count",
        ]


class ExamRegistrationSerializer(serializers.Serializer):
    """The registration for the next session that locks the planner's choices."""

    session_year = serializers.IntegerField()
    registered_on = serializers.DateField()
    kept_summary = serializers.CharField()
    confirmed_at = serializers.DateTimeField()


class DossierDetailSerializer(DossierListSerializer):
    marks = MarkSerializer(source="exam_result.marks", many=True, read_only=True)
    exam_registration = serializers.SerializerMethodField()
    right_end = serializers.DateField(read_only=True)
    proposed_school_uai = serializers.CharField(
        source="proposed_school.uai", read_only=True, default=None, allow_null=True
    )
    commission_departement = serializers.CharField(
        source="commission_departement.code", read_only=True, default=None, allow_null=True
    )
    deadlines = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "wish",
            "other_route",
            "impossibility_reason",
            "proposed_school_uai",
            "requested_formation",
            "request_reason",
            "commission_departement",
            "transmitted_on",
            "decided_on",
            "family_informed_on",
            "right_end",
            "marks",
            "exam_registration",
            "deadlines",
        ]

    @extend_schema_field(ExamRegistrationSerializer(allow_null=True))
    def get_exam_registration(self, obj):
        registration = obj.active_registration()
        return ExamRegistrationSerializer(registration).data if registration else None

    @extend_schema_field(DeadlineOutSerializer(many=True))
    def get_deadlines(self, obj):
        from django.utils import timezone

        return [
            {
                "kind": d["kind"],
                "label": d["label"],
                "due_date": d["due_date"],
                "overdue": d["overdue"],
            }
            for d in obj.pending_deadlines(timezone.localdate())
        ]


class TransitionSerializer(serializers.Serializer):
    """Body of POST /dossiers/{id}/transition/: the action and its fields."""

    action = serializers.ChoiceField(
        choices=[
            "plan_entretien",
            "mark_contact_impossible",
            "express_wish",
            "reenrol",
            "transmit_to_commission",
            "orient_elsewhere",
            "inform_family",
            "confirm_enrolment",
            "declare_without_solution",
        ]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False)
    wish = serializers.ChoiceField(choices=Wish.choices, required=False)
    other_route = serializers.ChoiceField(
        choices=OtherRoute.choices, required=False, allow_blank=True, default=""
    )
    proposed_school_uai = serializers.CharField(required=False)
    impossibility_reason = serializers.CharField(required=False, allow_blank=True, default="")
    request_reason = serializers.CharField(required=False, allow_blank=True, default="")
    requested_formation = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)


class EntretienSerializer(serializers.ModelSerializer):
    dossier = serializers.UUIDField(source="dossier.public_id")

    class Meta:
        model = Entretien
        fields = [
            "id",
            "dossier",
            "held_on",
            "participants",
            "expectations",
            "needs",
            "options",
            "outcome",
        ]
        read_only_fields = ["id"]


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    departement = serializers.CharField(source="commission.departement.code", read_only=True)

    class Meta:
        model = CommissionSession
        fields = ["id", "departement", "date", "place", "members"]


class DecisionSerializer(serializers.ModelSerializer):
    session = serializers.UUIDField(source="session.public_id")
    dossier = serializers.UUIDField(source="dossier.public_id")
    capacity = serializers.UUIDField(
        source="capacity.public_id", required=False, allow_null=True, default=None
    )
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    school_uai = serializers.CharField(
        source="capacity.school.uai", read_only=True, default=None, allow_null=True
    )
    formation = serializers.CharField(
        source="capacity.formation", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CommissionDecision
        fields = [
            "id",
            "session",
            "dossier",
            "outcome",
            "capacity",
            "school_uai",
            "formation",
            "reason",
            "decided_at",
            "promoted_at",
            "pronounced_at",
            "withdrawn_at",
            "withdrawal_reason",
        ]
        read_only_fields = [
            "id",
            "decided_at",
            "promoted_at",
            "pronounced_at",
            "withdrawn_at",
            "withdrawal_reason",
        ]


class PronounceSerializer(serializers.Serializer):
    """Body of POST /sessions/{id}/pronounce/: the dossiers whose proposed assignment the
    IA-DASEN (or a delegate) pronounces; all the session's proposals when omitted."""

    dossiers = serializers.ListField(
        child=serializers.UUIDField(), required=False, allow_empty=False, max_length=1000
    )


class PronounceResultSerializer(serializers.Serializer):
    pronounced = DecisionSerializer(many=True)
    refused = serializers.ListField(child=serializers.CharField())
