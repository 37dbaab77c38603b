from rest_framework import serializers

from .. import siecle
from ..models import Enrolment, LegalRepresentative, Student


class ExitInputSerializer(serializers.Serializer):
    """The exit of a pupil from the caller's school, with a SIECLE motif code."""

    exit_date = serializers.DateField(help_text="Date de sortie (AAAA-MM-JJ).")
    motif = serializers.ChoiceField(
        choices=[(code, label) for code, (label, _, _) in siecle.EXIT_MOTIFS.items()],
        help_text="Code motif de sortie SIECLE (41 = interruption d'études…).",
    )


class RepresentativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalRepresentative
        fields = [
            "last_name",
            "first_name",
            "relationship",
            "relationship_code",
            "responsibility_level",
            "is_priority_contact",
            "phone",
            "email",
            "address",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    school_uai = serializers.CharField(source="school.uai", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "school_uai",
            "school_year",
            "level",
            "division",
            "voie",
            "entry_date",
            "exit_date",
            "exit_reason",
            "exit_motif_code",
            "exit_source",
        ]


class StudentListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    school_uai = serializers.CharField(
        source="current_school.uai", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Student
        fields = [
            "id",
            "ine",
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "school_uai",
            "level",
            "division",
            "voie",
        ]


class StudentDetailSerializer(StudentListSerializer):
    age = serializers.IntegerField(read_only=True)
    legal_status = serializers.CharField(read_only=True)
    representatives = RepresentativeSerializer(many=True, read_only=True)
    enrolments = EnrolmentSerializer(many=True, read_only=True)

    class Meta(StudentListSerializer.Meta):
        fields = [
            *StudentListSerializer.Meta.fields,
            "age",
            "legal_status",
            "representatives",
            "enrolments",
        ]
