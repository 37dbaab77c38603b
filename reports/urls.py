from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.indicators, name="indicators"),
    path("mise-a-jour/", views.refresh_figures, name="refresh"),
]
