from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Tâches de fond"

    def ready(self):
        from . import runner
        from .models import UploadJob
        from .tasks import process_upload_job

        runner.register(
            "jobs.upload",
            runner.JobKind(
                model=UploadJob,
                task=process_upload_job,
                pending=(UploadJob.Status.PENDING,),
                running=(UploadJob.Status.RUNNING,),
            ),
        )
