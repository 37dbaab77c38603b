from django.urls import include, path
from rest_framework.routers import DefaultRouter

from config.urls import urlpatterns as site

from . import views

router = DefaultRouter()
router.register("exemple", views.CertificateRequestViewSet, basename="exemple")

urlpatterns = [
    path("exemple/<uuid:public_id>/", views.detail, name="exemple-detail"),
    path("exemple/<uuid:public_id>/action/<slug:name>/", views.action, name="exemple-action"),
    path("api/v1/", include(router.urls)),
    *site,
]
