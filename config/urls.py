from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.perms import AUTHENTICATED
from accounts.views import home

handler404 = "accounts.views.page_not_found"
handler403 = "accounts.views.permission_denied"
handler500 = "accounts.views.server_error"


class SchemaView(SpectacularAPIView):
    access_scope = AUTHENTICATED


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (no inline script, see the CSP)."""

    access_scope = AUTHENTICATED
    template_name = "api/swagger_ui.html"


api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("students.api.urls")),
    path("", include("dossiers.api.urls")),
    path("", include("prevention.api.urls")),
    path("", include("mlds.api.urls")),
    path("", include("foquale.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("", include("operations.urls")),
    path("compte/", include("accounts.urls")),
    path("structures/", include("accounts.urls_structures")),
    path("eleves/", include("students.urls")),
    path("reprepa/", include("dossiers.urls")),
    path("prevention/", include("prevention.urls")),
    path("mlds/", include("mlds.urls")),
    path("foquale/", include("foquale.urls")),
    path("notifications/", include("notifications.urls")),
    path("indicateurs/", include("reports.urls")),
    path("tracabilite/", include("audit.urls")),
    path("regles/", include("operations.urls_rules")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
