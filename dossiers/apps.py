from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = "Re-préparation et commission d'affectation"

    def ready(self):
        # Deadline kinds and case types of this app (see notifications.registry).
        from . import deadlines, hooks

        deadlines.register()

        from jobs.uploads import register_upload

        from .importer import run_upload

        register_upload("resultats", run=run_upload)

        # Letter batches are durable jobs: sent again while waiting or once their workers died.
        from jobs import runner

        from .enums import BatchState
        from .models import BatchJob
        from .tasks import render_batch

        runner.register(
            "dossiers.letters",
            runner.JobKind(
                model=BatchJob,
                task=render_batch,
                pending=(BatchState.PENDING,),
                running=(BatchState.RUNNING, BatchState.MERGING),
                field="state",
            ),
        )
        # What `students` asks of this app (students.hooks): it cannot import it.
        hooks.register()
