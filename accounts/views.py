from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from . import rules
from .forms import ExceptionalAccessForm, LoginForm
from .middleware import ACTIVE_ROLE_SESSION_KEY
from .perms import AUTHENTICATED, PUBLIC, access
from .services import close_exceptional_access, open_exceptional_access


@access(AUTHENTICATED)
def home(request):
    panels = []
    if request.user.active_role is not None:
        for dotted in settings.DASHBOARD_PANELS:
            html = import_string(dotted)(request)
            if html:
                panels.append(mark_safe(html))
    return render(request, "accounts/home.html", {"panels": panels})


@access(PUBLIC)
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class LoginView(auth_views.LoginView):
    access_scope = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from .views_proconnect import login_page_context

        return {**super().get_context_data(**kwargs), **login_page_context()}


class LogoutView(auth_views.LogoutView):
    access_scope = AUTHENTICATED

    def post(self, request, *args, **kwargs):
        from .proconnect import ID_TOKEN_SESSION_KEY
        from .views_proconnect import logout_redirect

        request._proconnect_id_token = request.session.get(ID_TOKEN_SESSION_KEY, "")
        return logout_redirect(request, super().post(request, *args, **kwargs))


@access(AUTHENTICATED)
@require_POST
def switch_role(request):
    wanted = request.POST.get("role_id", "")
    role = next((r for r in request.user.roles if str(r.id) == wanted), None)
    if role is None:
        messages.error(request, "Ce rôle ne vous est pas attribué.")
    else:
        request.session[ACTIVE_ROLE_SESSION_KEY] = role.id
        messages.success(request, f"Rôle actif : {role}.")
    return redirect("home")


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Ressource introuvable ou hors de votre périmètre."}, status=404
        )
    html = loader.render_to_string("404.html", {}, request)
    return HttpResponseNotFound(html)


def permission_denied(request, exception=None):
    html = loader.render_to_string("403.html", {}, request)
    return HttpResponse(html, status=403)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Erreur inattendue du service."}, status=500)
    html = loader.render_to_string("500.html", {})
    return HttpResponseServerError(html)


@access(AUTHENTICATED)
def exceptional_access(request):
    """Open or close a justified, time-boxed access outside the scope ("bris de glace")."""
    form = ExceptionalAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = open_exceptional_access(
                user=request.user,
                etablissement=form.cleaned_data["uai"],
                reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"],
                category=form.cleaned_data["category"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.warning(
                request,
                f"Accès exceptionnel ouvert sur {grant.etablissement} jusqu'au "
                f"{timezone.localtime(grant.expires_at):%d/%m/%Y à %H:%M}. "
                "Chaque consultation est journalisée.",
            )
            return redirect("accounts:exceptional_access")
    grants = request.user.exceptional_accesses.select_related("etablissement")[:20]
    return render(
        request,
        "accounts/exceptional_access.html",
        {
            "form": form,
            "grants": grants,
            "now": timezone.now(),
            "max_open": rules.max_open_grants(),
            "max_per_day": rules.max_grants_per_day(),
        },
    )


@access(AUTHENTICATED)
@require_POST
def close_access(request, pk):
    grant = get_object_or_404(request.user.exceptional_accesses, pk=pk)
    close_exceptional_access(grant=grant)
    messages.success(request, "Accès exceptionnel clos.")
    return redirect("accounts:exceptional_access")


def dashboard_panel(request) -> str:
    """Administrators: the exceptional accesses running in their académie."""
    from .enums import Role
    from .models import ExceptionalAccess

    role = request.user.active_role
    if role is None or role.role != Role.ADMINISTRATEUR:
        return ""
    grants = list(
        ExceptionalAccess.objects.visible_to(request.user)
        .open()
        .select_related("user", "etablissement")
        .order_by("expires_at")[:10]
    )
    return loader.render_to_string(
        "accounts/_dashboard_grants.html", {"grants": grants}, request=request
    )
