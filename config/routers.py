"""Database routing: the steering figures can be read from a PostgreSQL read replica.

With `REPLICA_DATABASE_URL` set, reads of the precomputed indicators (the tables that the
dashboards, the indicator page and the report API add up) go to the `replica` alias; every
write, and every other read (pupils, dossiers, accounts, scopes), stays on the primary. The
refresh task writes on the primary, and the replica receives it by streaming replication.
"""

from django.conf import settings

REPLICA_MODELS = {"reports.dropoutcell", "reports.indicatorrefresh"}


class ReportReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.label_lower in REPLICA_MODELS:
            return getattr(settings, "REPORTS_READ_DATABASE", "default")
        return None

    def db_for_write(self, model, **hints):
        return None  # the primary ("default"), or the database a migration runs on

    def allow_relation(self, obj1, obj2, **hints):
        return True
