from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("consultations/", views.access_log, name="access_log"),
    path("connexions/", views.login_log, name="login_log"),
]
