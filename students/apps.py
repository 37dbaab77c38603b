from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = "Élèves"

    def ready(self):
        from jobs import runner

        from .models import ImportJob
        from .tasks import process_import_job

        runner.register(
            "students.import",
            runner.JobKind(
                model=ImportJob,
                task=process_import_job,
                pending=(ImportJob.Status.PENDING,),
                running=(ImportJob.Status.VALIDATING, ImportJob.Status.WRITING),
            ),
        )
