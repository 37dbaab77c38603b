import csv

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.perms import SCOPED, access
from accounts.roles import MLDS_WRITE_ROLES
from config.forms import UNREADABLE_FILE
from territories.models import Departement

from ..forms import SieiUploadForm
from ..models import SieiImport
from ..siei import COLUMNS, SieiImportError, import_siei


@access(SCOPED, roles=MLDS_WRITE_ROLES)
def siei_import(request):
    """A coordinator uploads the SIEI / RIO list of the département."""
    form = SieiUploadForm(request.POST or None, request.FILES or None)
    errors = []
    role = request.user.active_role
    departement_ids = role.departement_ids()
    if request.method == "POST" and form.is_valid():
        if len(departement_ids) != 1:
            form.add_error(None, "Import réservé aux coordonnateurs d'un département.")
        else:
            upload = form.cleaned_data["file"]
            try:
                batch = import_siei(
                    raw=upload.read(),
                    departement=Departement.objects.get(pk=departement_ids[0]),
                    by=request.user,
                    file_name=upload.name,
                )
            except (SieiImportError, csv.Error, UnicodeError) as exc:
                errors = getattr(exc, "errors", [UNREADABLE_FILE])
                messages.error(
                    request, "Liste refusée : rien n'a été importé. Corrigez le fichier."
                )
            else:
                messages.success(
                    request,
                    f"Liste importée : {batch.created_follow_ups} suivi(s) ouvert(s), "
                    f"{batch.already_followed} jeune(s) déjà suivi(s), "
                    f"{batch.created_students} jeune(s) inconnu(s) créé(s), "
                    f"{batch.duplicate_rows} doublon(s) dans le fichier"
                    + (f" (profil de colonnes « {batch.profile} »)." if batch.profile else "."),
                )
                return redirect("mlds:siei_import")
    imports = SieiImport.objects.visible_to(request.user).select_related("imported_by")[:20]
    return render(
        request,
        "mlds/siei_import.html",
        {"form": form, "errors": errors, "imports": imports, "columns": COLUMNS},
        status=400 if errors else 200,
    )
