from rest_framework import serializers

from ..models import Deadline, Reminder


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    student_id = serializers.UUIDField(
        source="student.public_id", read_only=True, default=None, allow_null=True
    )
    school_uai = serializers.CharField(
        source="school.uai", read_only=True, default=None, allow_null=True
    )
    is_done = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "kind",
            "kind_label",
            "label",
            "url",
            "due_date",
            "is_done",
            "completed_at",
            "student_id",
            "school_uai",
        ]

    def get_is_done(self, obj) -> bool:
        return obj.completed_at is not None


class InboxItemSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    is_read = serializers.SerializerMethodField()
    deadline = DeadlineSerializer(read_only=True)

    class Meta:
        model = Reminder
        fields = ["id", "stage", "stage_label", "created_at", "is_read", "read_at", "deadline"]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None
