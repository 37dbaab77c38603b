"""DRF side of the read log: list endpoints write one row per page they serve."""

from operator import attrgetter

from .models import AccessLog
from .services import log_list_read


class ListReadLogMixin:
    """For a viewset or list view whose rows name pupils. `read_log_student` is the attribute
    path, on each row, of the pupil's primary key ("pk" for pupils themselves). The page's
    rows are already loaded for the serializer: logging costs one INSERT, no SELECT."""

    read_log_student = "student_id"
    read_log_channel = AccessLog.Channel.API

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._read_log_rows = page
        return page

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = getattr(self, "_read_log_rows", None)
        if rows is not None and response.status_code == 200:
            student = attrgetter(self.read_log_student)
            log_list_read(
                request=request,
                object_type=self.read_log_object_type(),
                student_ids=(student(row) for row in rows),
                row_count=len(rows),
                channel=self.read_log_channel,
            )
        return response

    def read_log_object_type(self) -> str:
        queryset = getattr(self, "queryset", None)
        model = queryset.model if queryset is not None else self.get_queryset().model
        return model._meta.model_name
