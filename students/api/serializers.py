from rest_framework import serializers

from ..models import Enrolment, LegalRepresentative, Student


class RepresentativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalRepresentative
        fields = ["last_name", "first_name", "relationship", "phone", "email", "address"]


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
