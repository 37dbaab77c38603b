from rest_framework.routers import SimpleRouter

from .structures import EtablissementViewSet

router = SimpleRouter()
router.register("etablissements", EtablissementViewSet, basename="etablissement")
urlpatterns = router.urls
