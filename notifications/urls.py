from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tout-lu/", views.mark_all_read, name="mark_all_read"),
    path("<uuid:public_id>/lu/", views.mark_read, name="mark_read"),
    path("<uuid:public_id>/suspendre/", views.suspend_from_inbox, name="suspend_from_inbox"),
    path("<uuid:public_id>/reprendre/", views.resume_from_inbox, name="resume_from_inbox"),
    path(
        "dossier/<str:case_type>/<uuid:public_id>/suspendre/",
        views.suspend_case,
        name="suspend_case",
    ),
    path(
        "dossier/<str:case_type>/<uuid:public_id>/reprendre/",
        views.resume_case,
        name="resume_case",
    ),
    path("operations/", views.operations, name="operations"),
    path("operations/relancer/", views.retry_failed, name="retry_failed"),
    path("operations/balayer/", views.sweep_now, name="sweep_now"),
]
