from django.urls import path

from . import views

urlpatterns = [
    path("indicateurs/", views.FamilyListView.as_view(), name="indicator-families"),
    path("indicateurs/<str:famille>/", views.IndicatorView.as_view(), name="indicator"),
    path("indicateurs/<str:famille>/csv/", views.IndicatorCsvView.as_view(), name="indicator-csv"),
    path(
        "decrochage/inscriptions/",
        views.DropoutEnrolmentListView.as_view(),
        name="dropout-enrolments",
    ),
    path(
        "decrochage/inscriptions/csv/",
        views.DropoutEnrolmentCsvView.as_view(),
        name="dropout-enrolments-csv",
    ),
]
