from rest_framework.routers import SimpleRouter

from .views import DecisionViewSet, DossierViewSet, EntretienViewSet, SessionViewSet

router = SimpleRouter()
router.register("reprepa/dossiers", DossierViewSet, basename="reprepa-dossier")
router.register("reprepa/entretiens", EntretienViewSet, basename="reprepa-entretien")
router.register("reprepa/seances", SessionViewSet, basename="reprepa-seance")
router.register("reprepa/decisions", DecisionViewSet, basename="reprepa-decision")
urlpatterns = router.urls
