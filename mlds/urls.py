from django.urls import path

from . import views

app_name = "mlds"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("export.csv", views.export_csv, name="export"),
    path("siei/", views.siei_import, name="siei_import"),
    path("siei/<uuid:public_id>/", views.siei_import_status, name="siei_import_status"),
    path(
        "siei/<uuid:public_id>/avancement/",
        views.siei_import_progress,
        name="siei_import_progress",
    ),
    path(
        "siei/<uuid:public_id>/relancer/",
        views.siei_import_relaunch,
        name="siei_import_relaunch",
    ),
    path("signaler/", views.signal, name="signal"),
    path("suivis/nouveau/", views.follow_up_new, name="follow_up_new"),
    path("suivis/<uuid:public_id>/", views.follow_up_detail, name="follow_up_detail"),
    path(
        "suivis/<uuid:public_id>/ambition-emploi/",
        views.ambition_propose,
        name="ambition_propose",
    ),
    path(
        "suivis/<uuid:public_id>/<slug:name>/",
        views.follow_up_action,
        name="follow_up_action",
    ),
    path("ambition-emploi/", views.ambition_list, name="ambition_list"),
    path("ambition-emploi/<uuid:public_id>/", views.ambition_detail, name="ambition_detail"),
    path(
        "ambition-emploi/<uuid:public_id>/<slug:name>/",
        views.ambition_action,
        name="ambition_action",
    ),
    path("droit-au-retour/", views.droit_retour_list, name="droit_retour_list"),
    path("droit-au-retour/nouveau/", views.droit_retour_new, name="droit_retour_new"),
    path(
        "droit-au-retour/<uuid:public_id>/",
        views.droit_retour_detail,
        name="droit_retour_detail",
    ),
    path(
        "droit-au-retour/<uuid:public_id>/<slug:name>/",
        views.droit_retour_action,
        name="droit_retour_action",
    ),
    path("partenaires/", views.partner_list, name="partner_list"),
    path("partenaires/nouveau/", views.partner_new, name="partner_new"),
    path("partenaires/<uuid:public_id>/", views.partner_detail, name="partner_detail"),
    path("partenaires/<uuid:public_id>/modifier/", views.partner_edit, name="partner_edit"),
    path(
        "partenaires/<uuid:public_id>/contacts/",
        views.partner_contact_add,
        name="partner_contact_add",
    ),
]
