from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from accounts.perms import PUBLIC, access

from .health import readiness


@access(PUBLIC)
@never_cache
def live(request):
    """Liveness: the process answers. No dependency is touched (a database outage must not
    make the orchestrator restart every web container)."""
    return JsonResponse({"statut": "ok"})


@access(PUBLIC)
@never_cache
def ready(request):
    """Readiness: database, Redis and the beat heartbeat. 503 names what failed."""
    ok, checks = readiness()
    return JsonResponse(
        {"statut": "ok" if ok else "erreur", "controles": checks}, status=200 if ok else 503
    )
