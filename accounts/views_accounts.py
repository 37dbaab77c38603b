"""Administrators: the académie's accounts (create, deactivate, reset the second factor) and
the exceptional accesses opened on its schools."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from dsfr.forms import DsfrBaseForm

from accounts.roles import ADMIN_ROLES

from . import services
from .enums import Role
from .models import AuthEvent, ExceptionalAccess, RoleAssignment, User
from .perms import SCOPED, access

PAGE_SIZE = 50


class AgentForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Adresse électronique professionnelle",
        help_text="Celle que ProConnect transmettra (ex. prenom.nom@ac-creteil.fr).",
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    structure = forms.CharField(
        label="Structure",
        max_length=40,
        help_text="UAI de l'établissement (chef, référent), code du bassin ou UAI du CIO "
        "(directeur de CIO), UAI de la tête de réseau (FoQualE), code du département "
        "(commission, IEN-IO, IA-DASEN, MLDS), code de l'académie (pilote, administrateur).",
    )

    def __init__(self, *args, academie_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.academie_ids = academie_ids

    def clean(self):
        data = super().clean()
        if data.get("role") and data.get("structure"):
            try:
                data["structure"] = services.resolve_structure(
                    role=data["role"], code=data["structure"], academie_ids=self.academie_ids
                )
            except ValidationError as exc:
                self.add_error("structure", exc)
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)

    def clean_q(self):
        return self.cleaned_data["q"].replace("\x00", "").strip()


def _admin_academie(user):
    from territories.models import Academie

    ids = user.administered_academie_ids
    return Academie.objects.filter(pk__in=ids).first()


@access(SCOPED, roles=ADMIN_ROLES)
def account_list(request):
    """Every account of the académie with its roles and how it last signed in; create one."""
    admin = request.user
    form = AgentForm(request.POST or None, academie_ids=admin.administered_academie_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, created = services.create_agent(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                structure=data["structure"],
                by=admin,
                academie=_admin_academie(admin),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(
                    request,
                    f"Compte ouvert pour {user.email}. L'agent se connecte avec ProConnect, "
                    "à cette adresse.",
                )
            else:
                messages.info(request, f"Le compte {user.email} existait : le rôle est ajouté.")
            return redirect("accounts:account_detail", pk=user.pk)
    filters = AccountFilterForm(request.GET)
    qs = User.objects.administered_by(admin).prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related(
                "etablissement", "bassin", "departement", "network", "academie"
            ),
        )
    )
    q = filters.cleaned_data["q"] if filters.is_valid() else ""
    if q:
        qs = qs.filter(email__icontains=q) | qs.filter(last_name__icontains=q)
    page = Paginator(qs.order_by("last_name", "first_name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/account_list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "accounts": page.object_list,
            "querystring": urlencode({"q": q}),
        },
    )


@access(SCOPED, roles=ADMIN_ROLES)
def account_detail(request, pk):
    user = get_object_or_404(User.objects.administered_by(request.user), pk=pk)
    from . import second_factor

    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": user,
            "roles": user.roles,
            "identities": user.oidc_identities.all(),
            "has_totp": second_factor.confirmed_totp(user) is not None,
            "events": AuthEvent.objects.filter(user=user).select_related("by")[:30],
        },
    )


@access(SCOPED, roles=ADMIN_ROLES)
@require_POST
def account_action(request, pk, action):
    user = get_object_or_404(User.objects.administered_by(request.user), pk=pk)
    try:
        if action == "desactiver":
            services.set_account_active(user=user, active=False, by=request.user)
            messages.success(request, "Compte désactivé : il ne peut plus se connecter.")
        elif action == "reactiver":
            services.set_account_active(user=user, active=True, by=request.user)
            messages.success(request, "Compte réactivé.")
        elif action == "second-facteur":
            services.reset_second_factor(user=user, by=request.user)
            messages.success(
                request, "Second facteur réinitialisé : l'agent l'activera à sa connexion."
            )
        elif action == "proconnect":
            services.unlink_proconnect(user=user, by=request.user)
            messages.success(
                request,
                "Identité ProConnect détachée : la prochaine connexion ProConnect rattachera "
                "le compte par son adresse.",
            )
        else:
            raise Http404("Action inconnue.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:account_detail", pk=user.pk)


@access(SCOPED, roles=ADMIN_ROLES)
def exceptional_access_review(request):
    """Exceptional accesses opened on the académie's schools: running ones first."""
    now = timezone.now()
    scoped = ExceptionalAccess.objects.visible_to(request.user).select_related(
        "user", "etablissement"
    )
    running = list(scoped.open(now).order_by("expires_at"))
    page = Paginator(scoped.order_by("-granted_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/exceptional_access_review.html",
        {"running": running, "page_obj": page, "grants": page.object_list, "now": now},
    )


@access(SCOPED, roles=ADMIN_ROLES)
@require_POST
def exceptional_access_revoke(request, pk):
    grant = get_object_or_404(ExceptionalAccess.objects.visible_to(request.user), pk=pk)
    services.close_exceptional_access(grant=grant)
    messages.success(request, f"Accès exceptionnel de {grant.user} sur {grant.etablissement} clos.")
    return redirect("accounts:exceptional_access_review")
