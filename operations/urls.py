from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.ready, name="healthz"),
    path("healthz/ready", views.ready, name="healthz_ready"),
    path("healthz/live", views.live, name="healthz_live"),
]
