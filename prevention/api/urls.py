from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("prevention/signaux", views.FlagViewSet, basename="prevention-flag")
router.register(
    "prevention/decisions-gpds", views.GpdsReviewViewSet, basename="prevention-gpds-review"
)
router.register("prevention/pafi", views.PafiViewSet, basename="prevention-pafi")
router.register(
    "prevention/parcours-derogatoires", views.DerogatoireViewSet, basename="prevention-derogatoire"
)
router.register("prevention/tous-droits-ouverts", views.TdoViewSet, basename="prevention-tdo")
urlpatterns = router.urls
