from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("role/", views.switch_role, name="switch_role"),
    path("acces-exceptionnel/", views.exceptional_access, name="exceptional_access"),
    path("acces-exceptionnel/<int:pk>/clore/", views.close_access, name="close_access"),
]
