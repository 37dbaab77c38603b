from django.urls import path

from . import views_structures as views

# The namespace names what the pages show: the structures of the account's scope.
app_name = "territories"
urlpatterns = [
    path("", views.school_list, name="school_list"),
    path("<str:uai>/", views.school_detail, name="school_detail"),
]
