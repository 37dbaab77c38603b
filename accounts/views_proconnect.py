"""ProConnect login, its callback and the logout through the provider."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.crypto import constant_time_compare, get_random_string
from django.views.decorators.cache import never_cache

from . import proconnect
from .enums import AuthEventKind, AuthMethod
from .perms import PUBLIC, access
from .second_factor import PROVIDER_MFA_SESSION_KEY
from .services import record_auth_event

BACKEND = "accounts.proconnect.ProConnectBackend"
LOGOUT_STATE_SESSION_KEY = "proconnect_logout_state"


def _refused(request, refusal, *, status=403):
    provider = urlsplit(settings.PROCONNECT_DISCOVERY_URL).netloc
    record_auth_event(
        kind=AuthEventKind.LOGIN_FAILURE,
        request=request,
        method=AuthMethod.PROCONNECT,
        username=getattr(refusal, "email", ""),
        provider=provider,
        reason=f"{refusal.code} : {refusal.message}"
        + (f" ({refusal.detail})" if refusal.detail else ""),
    )
    return render(
        request,
        "accounts/proconnect_refused.html",
        {
            "message": refusal.message,
            "account_problem": refusal.code in proconnect.ACCOUNT_REFUSALS,
            "help_text": settings.PROCONNECT_UNKNOWN_ACCOUNT_HELP,
            "password_login": settings.PASSWORD_LOGIN_ENABLED,
        },
        status=status,
    )


def _unavailable(request):
    return _refused(request, proconnect.LoginRefused("provider_unavailable"), status=503)


@access(PUBLIC)
@never_cache
def proconnect_login(request):
    """The "S'identifier avec ProConnect" button: off to the provider with state and nonce."""
    if not proconnect.is_configured():
        raise Http404("ProConnect n'est pas configuré.")
    view = proconnect.ProConnectRequestView()
    view.setup(request)
    try:
        view.prepare()
    except proconnect.ProviderUnavailable:
        return _unavailable(request)
    return view.get(request)


@access(PUBLIC)
@never_cache
def proconnect_callback(request):
    """Back from ProConnect: exactly one pending login per state, checked once."""
    if not proconnect.is_configured():
        raise Http404("ProConnect n'est pas configuré.")
    states = request.session.get("oidc_states")
    state = request.GET.get("state", "")
    if not isinstance(states, dict) or not states:
        return _refused(request, proconnect.LoginRefused("no_pending"), status=400)
    if not state or state not in states:
        return _refused(request, proconnect.LoginRefused("state"), status=400)
    pending = states.pop(state)
    request.session["oidc_states"] = states
    request.session.save()  # the state is spent before the provider is called: no replay
    if request.GET.get("error") or not request.GET.get("code"):
        return _refused(request, proconnect.LoginRefused("denied"), status=400)
    try:
        result = proconnect.ProConnectBackend().authenticate(
            request,
            proconnect=True,
            nonce=pending.get("nonce"),
            code_verifier=pending.get("code_verifier"),
        )
    except proconnect.ProviderUnavailable:
        return _unavailable(request)
    except proconnect.LoginRefused as refusal:
        status = 403 if refusal.code in proconnect.ACCOUNT_REFUSALS else 400
        return _refused(request, refusal, status=status)
    next_url = request.session.get("oidc_login_next") or resolve_url(settings.LOGIN_REDIRECT_URL)
    request.auth_method = AuthMethod.PROCONNECT
    request.auth_provider = result.idp_id or result.issuer
    login(request, result.user, backend=BACKEND)
    request.session[proconnect.ID_TOKEN_SESSION_KEY] = result.id_token
    if result.mfa:
        request.session[PROVIDER_MFA_SESSION_KEY] = True
    return redirect(next_url)


def logout_redirect(request, response):
    """After the local logout: through ProConnect's end_session_endpoint when the session
    came from it, with `id_token_hint`, a fresh `state` and the return address."""
    id_token = getattr(request, "_proconnect_id_token", "")
    if not id_token or not proconnect.is_configured():
        return response
    state = get_random_string(32)
    try:
        url = proconnect.end_session_url(
            id_token=id_token,
            state=state,
            post_logout_redirect_uri=request.build_absolute_uri(reverse("accounts:logout_done")),
        )
    except proconnect.ProviderUnavailable:
        messages.warning(
            request,
            "Vous êtes déconnecté de Sécuparcours. ProConnect ne répond pas : fermez votre "
            "navigateur pour clore aussi votre session ProConnect.",
        )
        return response
    request.session[LOGOUT_STATE_SESSION_KEY] = state
    return redirect(url)


@access(PUBLIC)
@never_cache
def logout_done(request):
    """ProConnect sends the browser back here once its own session is closed."""
    expected = request.session.pop(LOGOUT_STATE_SESSION_KEY, "")
    if expected and constant_time_compare(expected, request.GET.get("state", "")):
        messages.success(request, "Vous êtes déconnecté de Sécuparcours et de ProConnect.")
    return redirect("accounts:login")


def login_page_context() -> dict:
    return {
        "proconnect_enabled": proconnect.is_configured(),
        "password_login_enabled": settings.PASSWORD_LOGIN_ENABLED,
        "break_glass_login": not settings.PASSWORD_LOGIN_ENABLED
        and bool(settings.PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS),
    }
