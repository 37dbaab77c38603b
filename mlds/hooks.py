"""What `mlds` answers to `students` (registered by MldsConfig.ready): the diplomas a leaver
holds, and the MLDS follow-up a leaver without solution gets from the exit signals page."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from students import hooks
from students.models import ExitSignal

from .enums import FollowUpSource


def open_follow_ups() -> QuerySet[Any]:
    from .models import FollowUp

    return FollowUp.objects.open()


def open_from_exit_signal(signal: ExitSignal, by: Any) -> str:
    from .services import open_follow_up

    follow_up = open_follow_up(
        student=signal.student,
        source=FollowUpSource.SIGNALEMENT_ETABLISSEMENT,
        by=by,
        origin=signal,
        departement=signal.departement_id,
        last_school=signal.school,
        note=f"Sortie le {signal.exit_date:%d/%m/%Y} ({signal.motif_label}), "
        f"connue par l'{signal.source}",
    )
    return reverse("mlds:follow_up_detail", kwargs={"public_id": follow_up.public_id})


def register() -> None:
    from .services import held_diplomas

    hooks.register_diploma_source(held_diplomas)
    hooks.register_exit_follow_up(
        hooks.ExitFollowUp(label="Suivi MLDS", existing=open_follow_ups, open=open_from_exit_signal)
    )
