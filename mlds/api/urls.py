from rest_framework.routers import SimpleRouter

from .views import AmbitionEmploiViewSet, FollowUpViewSet, PartnerViewSet

router = SimpleRouter()
router.register("mlds/suivis", FollowUpViewSet, basename="mlds-follow-up")
router.register("mlds/ambition-emploi", AmbitionEmploiViewSet, basename="mlds-ambition-emploi")
router.register("mlds/partenaires", PartnerViewSet, basename="mlds-partner")
urlpatterns = router.urls
