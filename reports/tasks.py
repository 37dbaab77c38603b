from celery import shared_task

from .summary import refresh_dropouts


@shared_task(name="reports.refresh_indicators", acks_late=True)
def refresh_indicators_task(full: bool = False):
    """Bring the precomputed steering figures up to date (incremental unless `full`).
    Idempotent: a second run right after rewrites nothing."""
    refresh = refresh_dropouts(full=full)
    return {"full": refresh.full, "cells": refresh.cells_rewritten, "ms": refresh.duration_ms}
