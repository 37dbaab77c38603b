from django.urls import path

from .views import commission, dossier, overview

app_name = "dossiers"
urlpatterns = [
    path("", overview.dossier_list, name="list"),
    path("import/", overview.results_import, name="import"),
    path("import/<uuid:public_id>/", overview.results_import_status, name="import_status"),
    path(
        "import/<uuid:public_id>/avancement/",
        overview.results_import_progress,
        name="import_progress",
    ),
    path(
        "import/<uuid:public_id>/relancer/",
        overview.results_import_relaunch,
        name="import_relaunch",
    ),
    path("inviter/", overview.invite_all, name="invite_all"),
    path("lettres/", overview.print_letters, name="print_letters"),
    path("lots/<uuid:public_id>/", overview.batch_detail, name="batch"),
    path("lots/<uuid:public_id>/relancer/", overview.batch_relaunch, name="batch_relaunch"),
    path("cio/", overview.cio_caseload, name="cio"),
    path("sans-solution/", overview.sans_solution, name="sans_solution"),
    path("documents/<uuid:public_id>/", dossier.document_download, name="document"),
    path("<uuid:public_id>/", dossier.dossier_detail, name="detail"),
    path("<uuid:public_id>/action/<slug:name>/", dossier.dossier_action, name="action"),
    path("<uuid:public_id>/accompagnement/", dossier.trail_add, name="trail_add"),
    path("<uuid:public_id>/parcours/", dossier.plan_save, name="plan_save"),
    path(
        "<uuid:public_id>/parcours/inscription/<slug:action>/",
        dossier.plan_registration,
        name="plan_registration",
    ),
    path(
        "<uuid:public_id>/documents/<slug:kind>/", dossier.document_create, name="document_create"
    ),
    path("<uuid:public_id>/mlds/", dossier.mlds_transmit, name="mlds_transmit"),
    path(
        "<uuid:public_id>/ambition-emploi/",
        dossier.ambition_emploi_offer,
        name="ambition_emploi_offer",
    ),
    path("commission/", commission.commission_home, name="commission"),
    path("commission/seances/", commission.session_create, name="session_create"),
    path("commission/seances/<uuid:public_id>/", commission.session_detail, name="session_detail"),
    path(
        "commission/seances/<uuid:public_id>/decider/<uuid:dossier_id>/",
        commission.session_decide,
        name="session_decide",
    ),
    path(
        "commission/seances/<uuid:public_id>/prononcer/",
        commission.session_pronounce,
        name="session_pronounce",
    ),
    path(
        "commission/seances/<uuid:public_id>/pv/",
        commission.session_minutes,
        name="session_minutes",
    ),
    path(
        "commission/seances/<uuid:public_id>/lettres/",
        commission.session_letters,
        name="session_letters",
    ),
    path("commission/capacites/", commission.capacity_board, name="capacities"),
    path("commission/capacites/enregistrer/", commission.capacity_save, name="capacity_save"),
    path(
        "commission/capacites/<uuid:public_id>/liste-attente/",
        commission.capacity_promote,
        name="capacity_promote",
    ),
    path(
        "commission/decisions/<uuid:dossier_id>/desistement/",
        commission.decision_withdraw,
        name="decision_withdraw",
    ),
]
