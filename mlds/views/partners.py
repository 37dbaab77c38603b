"""Directory of PSAD partner structures and the caseload held with each."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.perms import SCOPED, access
from accounts.roles import MLDS_PAGE_ROLES, MLDS_WRITE_ROLES
from audit.services import log_list_read
from territories.models import Departement

from ..enums import PartnerType
from ..forms import PartnerContactForm, PartnerForm
from ..models import FollowUp, Partner
from ..perms import can_write_follow_ups, get_partner_for_user, partners_writable_by


@access(SCOPED, roles=MLDS_PAGE_ROLES)
def partner_list(request):
    partner_type = request.GET.get("type", "")
    qs = Partner.objects.visible_to(request.user).select_related("departement")
    if partner_type in PartnerType.values:
        qs = qs.filter(partner_type=partner_type)
    visible = FollowUp.objects.visible_to(request.user).open().values("id")
    qs = qs.annotate(
        caseload=Count("follow_ups", filter=Q(follow_ups__in=visible), distinct=True)
    ).order_by("name")
    return render(
        request,
        "mlds/partner_list.html",
        {
            "partners": qs,
            "types": PartnerType.choices,
            "partner_type": partner_type,
            "can_write": can_write_follow_ups(request.user),
        },
    )


@access(SCOPED, roles=MLDS_PAGE_ROLES)
def partner_detail(request, public_id):
    partner = get_partner_for_user(request.user, public_id)
    caseload = list(
        FollowUp.objects.visible_to(request.user)
        .filter(solution_partner=partner)
        .select_related("student", "assigned_to")
        .order_by("status", "student__last_name")
    )
    log_list_read(
        request=request,
        object_type="followup",
        student_ids=(f.student_id for f in caseload),
        row_count=len(caseload),
    )
    can_write = partners_writable_by(request.user).filter(pk=partner.pk).exists()
    return render(
        request,
        "mlds/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "caseload": caseload,
            "can_write": can_write,
            "contact_form": PartnerContactForm() if can_write else None,
        },
    )


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def partner_new(request):
    form = PartnerForm(request.POST or None)
    dep_ids = request.user.active_role.departement_ids()
    if request.method == "POST" and form.is_valid():
        partner = form.save(commit=False)
        partner.departement = Departement.objects.get(pk=dep_ids[0])
        if Partner.objects.filter(
            departement=partner.departement, partner_type=partner.partner_type, name=partner.name
        ).exists():
            form.add_error("name", "Cette structure figure déjà dans l'annuaire.")
        else:
            partner.save()
            messages.success(request, f"{partner.name} ajoutée à l'annuaire.")
            return redirect(partner)
    return render(request, "mlds/partner_form.html", {"form": form, "partner": None})


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def partner_edit(request, public_id):
    partner = get_partner_for_user(request.user, public_id, write=True)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        if (
            Partner.objects.filter(
                departement=partner.departement,
                partner_type=form.cleaned_data["partner_type"],
                name=form.cleaned_data["name"],
            )
            .exclude(pk=partner.pk)
            .exists()
        ):
            form.add_error("name", "Cette structure figure déjà dans l'annuaire.")
        else:
            form.save()
            messages.success(request, "Fiche de la structure mise à jour.")
            return redirect(partner)
    return render(request, "mlds/partner_form.html", {"form": form, "partner": partner})


@access(SCOPED, roles=MLDS_WRITE_ROLES)
@require_POST
def partner_contact_add(request, public_id):
    partner = get_partner_for_user(request.user, public_id, write=True)
    form = PartnerContactForm(request.POST)
    if form.is_valid():
        contact = form.save(commit=False)
        contact.partner = partner
        contact.save()
        messages.success(request, f"Contact {contact.name} ajouté.")
    else:
        messages.error(request, "Contact incomplet : le nom est obligatoire.")
    return redirect(partner)
