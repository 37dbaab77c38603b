"""Second factor: enrolment of a TOTP application, the code at each login, recovery codes."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from dsfr.forms import DsfrBaseForm

from . import second_factor
from .enums import AuthEventKind, AuthMethod
from .perms import AUTHENTICATED, access
from .services import record_auth_event


class CodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code de vérification",
        max_length=40,
        help_text="Les 6 chiffres affichés par votre application, ou un code de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, enrolment=False, **kwargs):
        if enrolment:
            self.base_fields = {**self.base_fields}
            self.base_fields["code"] = forms.CharField(
                label="Code de vérification",
                max_length=40,
                help_text="Les 6 chiffres affichés par l'application.",
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
            )
        super().__init__(*args, **kwargs)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@access(AUTHENTICATED)
@never_cache
def verify(request):
    """Ask for the code; an account without an application enrols first."""
    if second_factor.confirmed_totp(request.user) is None:
        return setup(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        method = second_factor.verify(request=request, code=form.cleaned_data["code"])
        if method is not None:
            record_auth_event(
                kind=AuthEventKind.SECOND_FACTOR_SUCCESS,
                request=request,
                user=request.user,
                method=method,
            )
            if method == AuthMethod.RECOVERY_CODE:
                left = second_factor.remaining_recovery_codes(request.user)
                messages.warning(
                    request,
                    f"Code de secours utilisé : il n'est plus valable. Il vous en reste {left} ; "
                    "régénérez-les depuis « Sécurité du compte ».",
                )
            return redirect(_next(request))
        record_auth_event(
            kind=AuthEventKind.SECOND_FACTOR_FAILURE,
            request=request,
            user=request.user,
            method=AuthMethod.TOTP,
            reason="Code incorrect, expiré ou déjà utilisé",
        )
        form.add_error(
            "code",
            "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et saisissez le "
            "nouveau code ; après plusieurs erreurs, patientez quelques secondes.",
        )
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next(request)})


@access(AUTHENTICATED)
@never_cache
def setup(request):
    """Enrol an authenticator application: QR code and secret, then a first code."""
    if second_factor.confirmed_totp(request.user) is not None and not request.user.is_verified():
        return redirect("accounts:second_factor")
    device = second_factor.pending_totp(request.user)
    form = CodeForm(request.POST or None, enrolment=True)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            record_auth_event(
                kind=AuthEventKind.SECOND_FACTOR_ENROLLED,
                request=request,
                user=request.user,
                method=AuthMethod.TOTP,
            )
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error(
            "code", "Code incorrect. Vérifiez que l'heure de votre téléphone est à jour."
        )
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(second_factor.qr_code_svg(device)),
            "secret": second_factor.secret_for_display(device),
            "next": _next(request),
        },
    )


@access(AUTHENTICATED)
@never_cache
def security(request):
    """The account's own security page: second factor, recovery codes, recent logins."""
    events = request.user.auth_events.all()[:15]
    return render(
        request,
        "accounts/security.html",
        {
            "has_totp": second_factor.confirmed_totp(request.user) is not None,
            "recovery_left": second_factor.remaining_recovery_codes(request.user),
            "events": events,
        },
    )


@access(AUTHENTICATED)
@require_POST
def regenerate_recovery_codes(request):
    if not request.user.is_verified():
        messages.error(
            request, "Validez d'abord un code de votre application pour régénérer vos codes."
        )
        return redirect("accounts:second_factor")
    codes = second_factor.new_recovery_codes(request.user)
    record_auth_event(
        kind=AuthEventKind.ACCOUNT,
        request=request,
        user=request.user,
        reason="Codes de secours régénérés",
    )
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})
