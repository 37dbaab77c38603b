from django.urls import path

from . import views, views_accounts, views_proconnect, views_second_factor

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("deconnexion/fin/", views_proconnect.logout_done, name="logout_done"),
    path("proconnect/", views_proconnect.proconnect_login, name="proconnect_login"),
    path("proconnect/retour/", views_proconnect.proconnect_callback, name="proconnect_callback"),
    path("second-facteur/", views_second_factor.verify, name="second_factor"),
    path("second-facteur/activer/", views_second_factor.setup, name="second_factor_setup"),
    path(
        "second-facteur/codes/",
        views_second_factor.regenerate_recovery_codes,
        name="recovery_codes",
    ),
    path("securite/", views_second_factor.security, name="security"),
    path("role/", views.switch_role, name="switch_role"),
    path("acces-exceptionnel/", views.exceptional_access, name="exceptional_access"),
    path("acces-exceptionnel/<int:pk>/clore/", views.close_access, name="close_access"),
    path("comptes/", views_accounts.account_list, name="account_list"),
    path("comptes/<int:pk>/", views_accounts.account_detail, name="account_detail"),
    path(
        "comptes/<int:pk>/<slug:action>/",
        views_accounts.account_action,
        name="account_action",
    ),
    path(
        "acces-exceptionnels/",
        views_accounts.exceptional_access_review,
        name="exceptional_access_review",
    ),
    path(
        "acces-exceptionnels/<int:pk>/clore/",
        views_accounts.exceptional_access_revoke,
        name="exceptional_access_revoke",
    ),
]
