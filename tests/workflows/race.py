"""Two people acting on the same case at the same instant, each in its own connection."""

import threading

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections


def race(*calls) -> list[str]:
    """Run the calls in threads released together; each outcome is "ok" or the French message
    of the refusal. On SQLite (no row locks, one writer at a time) a writer that finds the
    database locked is refused as well, which is what the user would see: one success."""
    outcomes, barrier = [], threading.Barrier(len(calls))
    sqlite = connection.vendor == "sqlite"

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except OperationalError as exc:
            if not sqlite:
                raise
            outcomes.append(f"verrou : {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
