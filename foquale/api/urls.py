from rest_framework.routers import SimpleRouter

from .views import CallViewSet, ProjectViewSet

router = SimpleRouter()
router.register("foquale/appels", CallViewSet, basename="foquale-call")
router.register("foquale/projets", ProjectViewSet, basename="foquale-project")
urlpatterns = router.urls
