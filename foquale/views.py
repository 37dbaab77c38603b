from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.enums import Role
from accounts.models import User
from accounts.perms import SCOPED, access
from accounts.roles import ACADEMIE_REVIEW_ROLES, FOQUALE_PROJECT_WRITE_ROLES
from audit.services import log_list_read
from reports.charts import bars, common_scale, voie_label
from students.models import Student
from territories.models import Network, Partner, PartnerContact
from workflows.views import action_view

from .diagnosis import build_diagnosis
from .enums import CallStatus, ProjectStatus, ReferralStatus
from .forms import (
    ActionForm,
    CallForm,
    DiagnosisForm,
    NetworkForm,
    PartnerForm,
    ProjectForm,
    ReferralForm,
    ReviewForm,
)
from .models import (
    CallForProjects,
    Project,
    ProjectReview,
    Referral,
    RemediationAction,
)
from .perms import (
    can_manage_network,
    can_refer,
    can_review_calls,
    get_action_for_user,
    get_call_for_user,
    get_network_for_user,
    get_project_for_user,
    get_referral_for_user,
    network_responsables,
)
from .services import refer_student
from .workflow import CALL_WORKFLOW, PROJECT_WORKFLOW, SCHOOL_HEAD

# --- Networks -----------------------------------------------------------------------------


@access(SCOPED, nominative=False)
def network_list(request):
    networks = (
        Network.objects.visible_to(request.user)
        .select_related("head_school")
        .annotate(school_count=Count("schools", distinct=True))
        .prefetch_related("departements")
    )
    return render(request, "foquale/network_list.html", {"networks": networks})


@access(SCOPED, nominative=False)
def network_detail(request, public_id):
    network = get_network_for_user(request.user, public_id)
    actions = (
        network.actions.with_places_used()
        .select_related("partner", "host_school")
        .order_by("start_date")
    )
    return render(
        request,
        "foquale/network_detail.html",
        {
            "network": network,
            "schools": network.schools.select_related("bassin").order_by("name"),
            "partners": network.partners.annotate(
                contact_name=Subquery(
                    PartnerContact.objects.filter(partner=OuterRef("pk"))
                    .order_by("name", "id")
                    .values("name")[:1]
                )
            ),
            "responsables": network_responsables(network),
            "actions": actions,
            "can_manage": can_manage_network(request.user, network),
            "today": timezone.localdate(),
        },
    )


@access(SCOPED, roles={Role.RESPONSABLE_FOQUALE, Role.ADMINISTRATEUR})
def network_edit(request, public_id):
    network = get_network_for_user(request.user, public_id, write=True)
    coordinators = User.objects.filter(
        role_assignments__role=Role.COORDONNATEUR_MLDS,
        role_assignments__departement__in=network.departements.all(),
    ).distinct()
    form = NetworkForm(request.POST or None, instance=network, coordinators=coordinators)
    partner_form = PartnerForm(prefix="partenaire")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le réseau a été mis à jour.")
        return redirect("foquale:network_detail", public_id=network.public_id)
    return render(
        request,
        "foquale/network_edit.html",
        {"network": network, "form": form, "partner_form": partner_form},
    )


@access(SCOPED, roles={Role.RESPONSABLE_FOQUALE, Role.ADMINISTRATEUR})
@require_POST
def partner_add(request, public_id):
    network = get_network_for_user(request.user, public_id, write=True)
    form = PartnerForm(request.POST, prefix="partenaire")
    if form.is_valid():
        data = form.cleaned_data
        partner, created = Partner.objects.get_or_create(
            departement=network.head_school.departement,
            partner_type=data["partner_type"],
            name=data["name"],
            defaults={"email": data["email"], "phone": data["phone"]},
        )
        if created and data["contact_name"]:
            PartnerContact.objects.create(partner=partner, name=data["contact_name"])
        network.partners.add(partner)
        messages.success(request, f"Partenaire « {partner} » ajouté au réseau.")
    else:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"Partenaire non ajouté : {errors}")
    return redirect("foquale:network_edit", public_id=network.public_id)


@access(SCOPED, nominative=False)
def diagnosis(request, public_id):
    network = get_network_for_user(request.user, public_id)
    wanted = request.GET.get("annee")
    diag = build_diagnosis(
        network, request.user, year=int(wanted) if wanted and wanted.isdigit() else None
    )
    form = DiagnosisForm(initial={"annee": diag.year}, years=diag.years)
    # One scale for the network, the académie and the schools: equal rates, equal bars.
    top = common_scale(
        diag.by_school_voie,
        diag.network_by_voie,
        diag.academie_by_voie,
        measure="taux_decrochage",
    )
    trend_top = common_scale(diag.network_trend, diag.academie_trend, measure="taux_decrochage")

    def school_label(row):
        return f"{row['territoire_nom']} — {voie_label(row['voie'])}"

    return render(
        request,
        "foquale/diagnosis.html",
        {
            "network": network,
            "diag": diag,
            "form": form,
            "school_bars": bars(
                diag.by_school_voie, measure="taux_decrochage", label=school_label, top=top
            ),
            "network_bars": bars(
                diag.network_by_voie,
                measure="taux_decrochage",
                label=lambda r: f"Réseau — {voie_label(r['voie'])}",
                top=top,
            ),
            "academie_bars": bars(
                diag.academie_by_voie,
                measure="taux_decrochage",
                label=lambda r: f"Académie — {voie_label(r['voie'])}",
                top=top,
            ),
            "network_trend": bars(
                diag.network_trend,
                measure="taux_decrochage",
                label=lambda r: f"Réseau {r['annee']}-{r['annee'] + 1}",
                top=trend_top,
            ),
            "academie_trend": bars(
                diag.academie_trend,
                measure="taux_decrochage",
                label=lambda r: f"Académie {r['annee']}-{r['annee'] + 1}",
                top=trend_top,
            ),
            "voie_label": voie_label,
        },
    )


# --- Offer of remediation actions ---------------------------------------------------------


@access(SCOPED, roles={Role.RESPONSABLE_FOQUALE, Role.ADMINISTRATEUR})
def action_create(request, public_id):
    network = get_network_for_user(request.user, public_id, write=True)
    form = ActionForm(
        request.POST or None, network=network, instance=RemediationAction(network=network)
    )
    if request.method == "POST" and form.is_valid():
        action = form.save()
        messages.success(request, f"Action « {action} » ajoutée à l'offre du réseau.")
        return redirect("foquale:action_detail", public_id=action.public_id)
    return render(request, "foquale/action_form.html", {"network": network, "form": form})


@access(SCOPED, nominative=False)
def action_detail(request, public_id):
    action = get_action_for_user(request.user, public_id)
    referrals = list(
        Referral.objects.visible_to(request.user)
        .filter(action=action)
        .select_related("student", "school", "referred_by")
    )
    log_list_read(
        request=request,
        object_type="referral",
        student_ids=(r.student_id for r in referrals),
        row_count=len(referrals),
    )
    return render(
        request,
        "foquale/action_detail.html",
        {
            "action": action,
            "places_left": max(action.places - action.places_used, 0),
            "referrals": referrals,
            "can_refer": can_refer(request.user) and action.is_open_on(timezone.localdate()),
            "form": ReferralForm(),
        },
    )


@access(SCOPED, roles=None)
@require_POST
def action_refer(request, public_id):
    action = get_action_for_user(request.user, public_id)
    if not can_refer(request.user):
        raise Http404("Action introuvable.")
    form = ReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez l'INE de l'élève.")
        return redirect("foquale:action_detail", public_id=action.public_id)
    student = (
        Student.objects.visible_to(request.user)
        .filter(ine=form.cleaned_data["ine"], current_school__in=action.network.schools.all())
        .first()
    )
    if student is None:
        messages.error(
            request,
            "Aucun élève de votre périmètre scolarisé dans un établissement du réseau ne porte "
            "cet INE.",
        )
        return redirect("foquale:action_detail", public_id=action.public_id)
    try:
        refer_student(
            action=action,
            student=student,
            by=request.user,
            today=timezone.localdate(),
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{student} est orienté vers « {action} ».")
    return redirect("foquale:action_detail", public_id=action.public_id)


@access(SCOPED, roles=None)
@require_POST
def referral_cancel(request, public_id):
    referral = get_referral_for_user(request.user, public_id, write=True)
    try:
        referral.cancel(by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Orientation annulée : la place est libérée.")
    return redirect("foquale:action_detail", public_id=referral.action.public_id)


# --- Calls for projects -------------------------------------------------------------------


@access(SCOPED, nominative=False)
def call_list(request):
    calls = CallForProjects.objects.visible_to(request.user).annotate(
        project_count=Count("projects", filter=~Q(projects__status=ProjectStatus.DRAFT))
    )
    return render(
        request,
        "foquale/call_list.html",
        {"calls": calls, "can_create": can_review_calls(request.user)},
    )


@access(SCOPED, roles=ACADEMIE_REVIEW_ROLES, nominative=False)
def call_create(request):
    role = request.user.active_role
    instance = CallForProjects(academie_id=role.academie_id, created_by=request.user)
    form = CallForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        call = form.save()
        messages.success(request, "Appel à projets enregistré en brouillon.")
        return redirect("foquale:call_detail", public_id=call.public_id)
    return render(request, "foquale/call_form.html", {"form": form})


def _render_call(request, call, *, bound=None, status=200):
    role = request.user.active_role
    projects = (
        Project.objects.visible_to(request.user)
        .filter(call=call)
        .select_related("school")
        .prefetch_related(Prefetch("reviews", queryset=ProjectReview.objects.order_by("id")))
        .order_by("school__name", "title")
    )
    offers = CALL_WORKFLOW.offers(call, request.user, bound=bound)
    return render(
        request,
        "foquale/call_detail.html",
        {
            "call": call,
            "projects": projects,
            "is_reviewer": can_review_calls(request.user),
            "can_submit": role.role in FOQUALE_PROJECT_WRITE_ROLES
            and call.is_open_for_submission(timezone.localdate()),
            "transitions": call.transitions.select_related("by"),
            "published": call.status == CallStatus.PUBLISHED,
            "offers": offers,
            "next_step": CALL_WORKFLOW.next_step(call, offers),
        },
        status=status,
    )


@access(SCOPED, nominative=False)
def call_detail(request, public_id):
    return _render_call(request, get_call_for_user(request.user, public_id))


def _back_to_call(request, call, *, bound=None, status=200):
    # The refusal is in the messages: the call's page shows it after the redirect.
    return redirect("foquale:call_detail", public_id=call.public_id)


call_transition = action_view(
    CALL_WORKFLOW,
    roles=ACADEMIE_REVIEW_ROLES,
    nominative=False,
    get_object=lambda user, public_id: get_call_for_user(user, public_id, write=True),
    render_page=_back_to_call,
    redirect_to=lambda call: reverse("foquale:call_detail", args=[call.public_id]),
)


@access(SCOPED, roles=FOQUALE_PROJECT_WRITE_ROLES)
def project_create(request, public_id):
    call = get_call_for_user(request.user, public_id)
    if not call.is_open_for_submission(timezone.localdate()):
        messages.error(request, "Cet appel à projets n'est pas ouvert aux dépôts.")
        return redirect("foquale:call_detail", public_id=call.public_id)
    role = request.user.active_role
    instance = Project(call=call, school_id=role.etablissement_id, created_by=request.user)
    form = ProjectForm(request.POST or None, instance=instance, call=call)
    if request.method == "POST" and form.is_valid():
        project = form.save()
        messages.success(request, "Projet enregistré en brouillon : relisez-le puis déposez-le.")
        return redirect("foquale:project_detail", public_id=project.public_id)
    return render(request, "foquale/project_form.html", {"call": call, "form": form})


def _render_project(request, project, *, bound=None, status=200):
    role = request.user.active_role
    is_reviewer = can_review_calls(request.user)
    reviews = project.reviews.select_related("reviewer").order_by("id") if is_reviewer else []
    show_decision = project.decision_visible_to(request.user)
    transitions = project.transitions.select_related("by")
    offers = PROJECT_WORKFLOW.offers(project, request.user, bound=bound)
    next_step = PROJECT_WORKFLOW.next_step(project, offers)
    if not show_decision:
        # The decision reaches the school with the publication of the results, not before.
        transitions = transitions.exclude(
            to_state__in=[ProjectStatus.ACCEPTED, ProjectStatus.REJECTED]
        )
        if project.is_decided:
            next_step = PROJECT_WORKFLOW.waiting[ProjectStatus.SUBMITTED]
    return render(
        request,
        "foquale/project_detail.html",
        {
            "project": project,
            "call": project.call,
            "is_owner": role.role in FOQUALE_PROJECT_WRITE_ROLES,
            "is_reviewer": is_reviewer,
            "reviews": reviews,
            "show_decision": show_decision,
            "review_form": ReviewForm(),
            "transitions": transitions,
            "in_review": project.call.status == CallStatus.REVIEW,
            "offers": offers,
            "next_step": next_step,
            "version": project.version,
        },
        status=status,
    )


@access(SCOPED, nominative=False)
def project_detail(request, public_id):
    return _render_project(request, get_project_for_user(request.user, public_id))


def _project_for_action(user, public_id, transition):
    """The school's head acts on its own project; the académie's reviewers on those
    submitted to their calls."""
    return get_project_for_user(user, public_id, write=transition.may is SCHOOL_HEAD)


def _render_project_after_action(request, project, *, bound=None, status=200):
    project = get_project_for_user(request.user, project.public_id)
    return _render_project(request, project, bound=bound, status=status)


project_action = action_view(
    PROJECT_WORKFLOW,
    roles=FOQUALE_PROJECT_WRITE_ROLES | ACADEMIE_REVIEW_ROLES,
    nominative=False,
    get_object=_project_for_action,
    render_page=_render_project_after_action,
    redirect_to=lambda project: reverse("foquale:project_detail", args=[project.public_id]),
)


@access(SCOPED, roles=ACADEMIE_REVIEW_ROLES, nominative=False)
@require_POST
def project_review(request, public_id):
    project = get_project_for_user(request.user, public_id)
    form = ReviewForm(request.POST)
    if project.call.status != CallStatus.REVIEW or project.status != ProjectStatus.SUBMITTED:
        messages.error(request, "La notation n'est ouverte que pendant l'instruction.")
    elif not form.is_valid():
        messages.error(request, "Note invalide : un entier de 0 à 20.")
    else:
        ProjectReview.objects.update_or_create(
            project=project,
            reviewer=request.user,
            defaults={
                "score": form.cleaned_data["score"],
                "comment": form.cleaned_data["comment"],
            },
        )
        messages.success(request, "Note enregistrée.")
    return redirect("foquale:project_detail", public_id=project.public_id)


# --- Dashboard ----------------------------------------------------------------------------


def dashboard_panel(request) -> str:
    """The network head's block: dropout rate of the network by voie (last year, compared
    with the académie) and the offer's places left."""
    role = request.user.active_role
    if role is None or role.role != Role.RESPONSABLE_FOQUALE:
        return ""
    network = Network.objects.select_related("head_school__departement").get(pk=role.network_id)
    diag = build_diagnosis(network, request.user)
    top = common_scale(diag.network_by_voie, diag.academie_by_voie, measure="taux_decrochage")
    actions = network.actions.with_places_used().filter(end_date__gte=timezone.localdate())
    places = sum(a.places for a in actions)
    used = sum(a.places_used for a in actions)
    return render_to_string(
        "foquale/_dashboard.html",
        {
            "network": network,
            "diag": diag,
            "network_bars": bars(
                diag.network_by_voie,
                measure="taux_decrochage",
                label=lambda r: f"Réseau — {voie_label(r['voie'])}",
                top=top,
            ),
            "academie_bars": bars(
                diag.academie_by_voie,
                measure="taux_decrochage",
                label=lambda r: f"Académie — {voie_label(r['voie'])}",
                top=top,
            ),
            "places": places,
            "places_left": max(places - used, 0),
            "referral_status": ReferralStatus,
        },
        request=request,
    )
