from django.urls import path

from . import views

app_name = "foquale"
urlpatterns = [
    path("", views.network_list, name="network_list"),
    path("reseaux/<uuid:public_id>/", views.network_detail, name="network_detail"),
    path("reseaux/<uuid:public_id>/modifier/", views.network_edit, name="network_edit"),
    path("reseaux/<uuid:public_id>/partenaires/", views.partner_add, name="partner_add"),
    path("reseaux/<uuid:public_id>/diagnostic/", views.diagnosis, name="diagnosis"),
    path("reseaux/<uuid:public_id>/actions/nouvelle/", views.action_create, name="action_create"),
    path("actions/<uuid:public_id>/", views.action_detail, name="action_detail"),
    path("actions/<uuid:public_id>/orienter/", views.action_refer, name="action_refer"),
    path("orientations/<uuid:public_id>/annuler/", views.referral_cancel, name="referral_cancel"),
    path("appels/", views.call_list, name="call_list"),
    path("appels/nouveau/", views.call_create, name="call_create"),
    path("appels/<uuid:public_id>/", views.call_detail, name="call_detail"),
    path("appels/<uuid:public_id>/<slug:name>/", views.call_transition, name="call_transition"),
    path("appels/<uuid:public_id>/projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path(
        "projets/<uuid:public_id>/action/<slug:name>/",
        views.project_action,
        name="project_action",
    ),
    path("projets/<uuid:public_id>/notation/", views.project_review, name="project_review"),
]
