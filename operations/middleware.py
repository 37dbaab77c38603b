from . import views

# Fixed, like the probes configured in docker-compose.yml (operations/urls.py names them too).
HEALTH_VIEWS = {"/healthz": views.ready, "/healthz/ready": views.ready, "/healthz/live": views.live}


class HealthCheckMiddleware:
    """Answers the health URLs before host validation and the HTTPS redirect: the container
    runtime probes http://127.0.0.1:8000/healthz/…, a host no ALLOWED_HOSTS lists."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
