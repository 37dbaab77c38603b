from rest_framework.routers import SimpleRouter

from .views import DeadlineViewSet, InboxItemViewSet

router = SimpleRouter()
router.register("echeances", DeadlineViewSet, basename="deadline")
router.register("rappels", InboxItemViewSet, basename="inbox-item")
urlpatterns = router.urls
