from django.urls import path

from . import views

app_name = "prevention"
urlpatterns = [
    path("", views.board, name="board"),
    path("signaux/", views.signal_list, name="signals"),
    path("signaux/import/", views.absence_import, name="absence_import"),
    path(
        "signaux/import/<uuid:public_id>/",
        views.absence_import_status,
        name="absence_import_status",
    ),
    path(
        "signaux/import/<uuid:public_id>/avancement/",
        views.absence_import_progress,
        name="absence_import_progress",
    ),
    path(
        "signaux/import/<uuid:public_id>/relancer/",
        views.absence_import_relaunch,
        name="absence_import_relaunch",
    ),
    path("eleve/<uuid:public_id>/", views.student_page, name="student"),
    path("eleve/<uuid:public_id>/ouvrir/<str:kind>/", views.open_path, name="open_path"),
    path("gpds/", views.meeting_list, name="gpds_list"),
    path("gpds/<uuid:public_id>/", views.meeting_detail, name="gpds_detail"),
    path("pafi/<uuid:public_id>/", views.pafi_detail, name="pafi_detail"),
    path("pafi/<uuid:public_id>/<slug:name>/", views.pafi_action, name="pafi_action"),
    path("derogatoire/<uuid:public_id>/", views.derogatoire_detail, name="derogatoire_detail"),
    path(
        "derogatoire/<uuid:public_id>/pdf/<str:document>/",
        views.derogatoire_pdf,
        name="derogatoire_pdf",
    ),
    path(
        "derogatoire/<uuid:public_id>/<slug:name>/",
        views.derogatoire_action,
        name="derogatoire_action",
    ),
    path("tdo/<uuid:public_id>/", views.tdo_detail, name="tdo_detail"),
    path("tdo/<uuid:public_id>/<slug:name>/", views.tdo_action, name="tdo_action"),
    path("validation/", views.validation_queue, name="validation_queue"),
]
