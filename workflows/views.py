"""The one HTML action view, generated from a workflow's declaration."""

import inspect
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect

from accounts.perms import SCOPED, access

from .engine import Workflow


def action_view(
    workflow: Workflow,
    *,
    roles,
    get_object: Callable,
    render_page: Callable,
    redirect_to: Callable | None = None,
    refusal_status: int = 409,
    nominative: bool = True,
):
    """POST /<case>/action/<name>/: bind the transition's form, run it, redirect or re-render.

    `get_object(user, public_id)` returns the case the user may write, else raises 404 (it
    may take `transition=` when who writes depends on the action: the school or the
    département);
    `render_page(request, instance, bound=form, status=...)` renders the case's page with the
    bound form and the refusal message. Role and scope are checked before the verb, so an
    outsider gets 404 whatever the verb.
    """

    by_transition = "transition" in inspect.signature(get_object).parameters

    @access(SCOPED, roles=roles, nominative=nominative)
    def view(request, public_id, name):
        transition = workflow.page_actions().get(name)
        if transition is None or not transition.may(request.user):
            raise Http404("Action inconnue.")
        if by_transition:
            instance = get_object(request.user, public_id, transition=transition)
        else:
            instance = get_object(request.user, public_id)
        # Only now, once the case is known to be in scope, may the verb be refused.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = workflow.make_form(name, instance, request.POST)
        if form is not None and not form.is_valid():
            messages.error(request, "Le formulaire contient des erreurs : corrigez-les ci-dessous.")
            return render_page(request, instance, bound=form, status=400)
        data = form.cleaned_data if form is not None else {}
        try:
            workflow.run(
                instance,
                name,
                by=request.user,
                data=data,
                expected_version=request.POST.get("version"),
            )
        except ValidationError as exc:
            instance.refresh_from_db()
            messages.error(request, " ".join(exc.messages))
            return render_page(request, instance, bound=form, status=refusal_status)
        messages.success(request, transition.success or f"{transition.label} : enregistré.")
        return redirect(redirect_to(instance) if redirect_to else instance)

    view.workflow = workflow
    return view
