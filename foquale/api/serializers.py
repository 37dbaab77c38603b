from rest_framework import serializers

from ..models import CallForProjects, Project


class CallSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = CallForProjects
        fields = ["id", "title", "axes", "closes_on", "status", "published_at"]


class ProjectSerializer(serializers.ModelSerializer):
    """A project; its decision (status, motivation) reaches the school with the publication of
    the results, as on the page."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    call_id = serializers.UUIDField(source="call.public_id", read_only=True)
    school_uai = serializers.CharField(source="school.uai", read_only=True)
    status = serializers.SerializerMethodField()
    decision_comment = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "call_id",
            "school_uai",
            "title",
            "axis",
            "pupils_expected",
            "budget_requested",
            "status",
            "decision_comment",
            "submitted_at",
            "version",
        ]

    def _shown(self, project) -> bool:
        return project.decision_visible_to(self.context["request"].user)

    def get_status(self, project) -> str:
        if project.is_decided and not self._shown(project):
            return "depose"
        return project.status

    def get_decision_comment(self, project) -> str:
        return project.decision_comment if self._shown(project) else ""
