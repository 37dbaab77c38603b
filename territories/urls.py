from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("", views.school_list, name="school_list"),
    path("<str:uai>/", views.school_detail, name="school_detail"),
]
