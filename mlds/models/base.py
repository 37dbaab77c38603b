"""Pieces shared by the MLDS cases: scopes by role, locked transitions."""

from django.db.models import Q


def departement_q(role, prefix: str = "") -> Q:
    return Q(**{f"{prefix}departement_id__in": role.departement_ids()})


class TransitionMixin:
    """The MLDS cases check their guards on the state the page was loaded with, then hand the
    write to the lifecycle engine (`workflow`, declared in mlds/workflow.py): it locks the row,
    refuses if the state or the version moved meanwhile, saves, logs once, syncs deadlines."""

    workflow = None  # set by subclasses

    def _commit(
        self, action, *, by, to=None, comment="", fields=(), expected_version=None, guard=None
    ):
        return self.workflow.apply(
            self,
            action,
            by=by,
            comment=comment,
            guard=guard,
            changes={field: getattr(self, field) for field in fields},
            expected_version=expected_version,
            target=to,
        )
