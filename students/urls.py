from django.urls import path

from . import exit_views, import_views, views

app_name = "students"
urlpatterns = [
    path("", views.student_list, name="list"),
    path("<uuid:public_id>/", views.student_detail, name="detail"),
    path("<uuid:public_id>/sortie/", exit_views.record_exit, name="record_exit"),
    path("sorties/", exit_views.exit_signals, name="exit_signals"),
    path("sorties/<uuid:public_id>/", exit_views.exit_signal_action, name="exit_signal_action"),
    path("import/", import_views.import_upload, name="import"),
    path("import/modele.csv", import_views.import_template, name="import_template"),
    path("import/<uuid:public_id>/relancer/", import_views.import_relaunch, name="import_relaunch"),
    path("import/<uuid:public_id>/", import_views.import_status, name="import_status"),
    path(
        "import/<uuid:public_id>/avancement/",
        import_views.import_progress,
        name="import_progress",
    ),
]
