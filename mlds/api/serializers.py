from rest_framework import serializers

from ..models import AmbitionEmploi, DroitRetour, FollowUp, Partner, PartnerContact


class FollowUpSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student_id = serializers.UUIDField(source="student.public_id", read_only=True)
    ine = serializers.CharField(source="student.ine", read_only=True, default=None, allow_null=True)
    last_name = serializers.CharField(source="student.last_name", read_only=True)
    first_name = serializers.CharField(source="student.first_name", read_only=True)
    birth_date = serializers.DateField(source="student.birth_date", read_only=True)
    departement = serializers.CharField(source="departement.code", read_only=True)
    last_school_uai = serializers.CharField(
        source="last_school.uai", read_only=True, default=None, allow_null=True
    )
    assigned_to = serializers.CharField(
        source="assigned_to.username", read_only=True, default=None, allow_null=True
    )
    solution_partner = serializers.UUIDField(
        source="solution_partner.public_id", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "student_id",
            "ine",
            "last_name",
            "first_name",
            "birth_date",
            "departement",
            "source",
            "status",
            "last_school_uai",
            "last_training",
            "left_on",
            "signaled_on",
            "assigned_to",
            "contact_due_on",
            "contacted_on",
            "bilan_due_on",
            "bilan_on",
            "solution_type",
            "solution_partner",
            "solution_start_on",
            "transition_end_on",
            "outcome",
            "closure_reason",
            "closed_on",
        ]


class AmbitionEmploiSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student_id = serializers.UUIDField(source="student.public_id", read_only=True)
    last_name = serializers.CharField(source="student.last_name", read_only=True)
    first_name = serializers.CharField(source="student.first_name", read_only=True)
    school_uai = serializers.CharField(source="school.uai", read_only=True)
    partners = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    pfmp_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = AmbitionEmploi
        fields = [
            "id",
            "student_id",
            "last_name",
            "first_name",
            "school_uai",
            "status",
            "diploma",
            "session_year",
            "proposed_on",
            "start_date",
            "planned_end_date",
            "end_date",
            "pfmp_days",
            "partners",
            "outcome",
        ]


class DroitRetourSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student_id = serializers.UUIDField(source="student.public_id", read_only=True)
    last_name = serializers.CharField(source="student.last_name", read_only=True)
    first_name = serializers.CharField(source="student.first_name", read_only=True)
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = DroitRetour
        fields = [
            "id",
            "student_id",
            "last_name",
            "first_name",
            "status",
            "channel",
            "highest_diploma",
            "requested_on",
            "interview_due_on",
            "interview_on",
            "proposal",
            "enrolled_on",
            "refusal_reason",
            "version",
        ]


class PartnerContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerContact
        fields = ["name", "function", "email", "phone"]


class PartnerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    departement = serializers.CharField(source="departement.code", read_only=True)
    contacts = PartnerContactSerializer(many=True, read_only=True)
    caseload = serializers.IntegerField(read_only=True)

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "partner_type",
            "departement",
            "psad",
            "territory",
            "address",
            "email",
            "phone",
            "is_active",
            "contacts",
            "caseload",
        ]
