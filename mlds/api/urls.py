from rest_framework.routers import SimpleRouter

from .views import AmbitionEmploiViewSet, DroitRetourViewSet, FollowUpViewSet, PartnerViewSet

router = SimpleRouter()
router.register("mlds/suivis", FollowUpViewSet, basename="mlds-follow-up")
router.register("mlds/ambition-emploi", AmbitionEmploiViewSet, basename="mlds-ambition-emploi")
router.register("mlds/droit-au-retour", DroitRetourViewSet, basename="mlds-droit-retour")
router.register("mlds/partenaires", PartnerViewSet, basename="mlds-partner")
urlpatterns = router.urls
