from rest_framework import serializers

from ..models import Derogatoire, Flag, GpdsReview, Pafi, Tdo


class StudentRefMixin(serializers.Serializer):
    student_id = serializers.UUIDField(source="student.public_id", read_only=True)
    student_ine = serializers.CharField(
        source="student.ine", read_only=True, default=None, allow_null=True
    )
    student_name = serializers.CharField(source="student.full_name", read_only=True)


class FlagSerializer(StudentRefMixin, serializers.ModelSerializer):
    school_uai = serializers.CharField(source="school.uai", read_only=True)

    class Meta:
        model = Flag
        fields = [
            "student_id",
            "student_ine",
            "student_name",
            "school_uai",
            "reason",
            "since",
            "latest_month",
            "value",
            "computed_at",
        ]


class GpdsReviewSerializer(StudentRefMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)
    school_uai = serializers.CharField(source="meeting.school.uai", read_only=True)

    class Meta:
        model = GpdsReview
        fields = [
            "id",
            "student_id",
            "student_ine",
            "student_name",
            "school_uai",
            "meeting_date",
            "decision",
            "in_charge",
            "next_review_on",
            "situation",
        ]


PATH_FIELDS = [
    "id",
    "student_id",
    "student_ine",
    "student_name",
    "school_uai",
    "status",
    "referent",
    "created_at",
]


class PathSerializer(StudentRefMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    school_uai = serializers.CharField(source="school.uai", read_only=True)


class PafiSerializer(PathSerializer):
    class Meta:
        model = Pafi
        fields = [
            *PATH_FIELDS,
            "planned_start",
            "planned_end",
            "started_on",
            "next_review_on",
            "decided_at",
            "outcome",
            "closed_on",
        ]


class DerogatoireSerializer(PathSerializer):
    priority = serializers.BooleanField(source="is_priority", read_only=True)

    class Meta:
        model = Derogatoire
        fields = [
            *PATH_FIELDS,
            "level",
            "priority",
            "planned_start",
            "planned_end",
            "transmitted_at",
            "ien_io_opinion",
            "decided_at",
            "started_on",
            "next_review_on",
            "has_placement",
            "visit_planned_on",
            "visit_done_on",
            "finished_on",
        ]


class TdoSerializer(PathSerializer):
    class Meta:
        model = Tdo
        fields = [
            *PATH_FIELDS,
            "proposed_on",
            "answered_on",
            "partner_kind",
            "partner_name",
            "start_date",
            "end_date",
            "outcome",
            "closed_on",
        ]
