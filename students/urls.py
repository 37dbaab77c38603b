from django.urls import path

from . import import_views, views

app_name = "students"
urlpatterns = [
    path("", views.student_list, name="list"),
    path("<uuid:public_id>/", views.student_detail, name="detail"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<uuid:public_id>/", import_views.import_status, name="import_status"),
    path(
        "import/<uuid:public_id>/avancement/",
        import_views.import_progress,
        name="import_progress",
    ),
]
