from django.urls import path

from . import views_rules as views

# The namespace names what the page shows: the rulebook.
app_name = "rulebook"

urlpatterns = [path("", views.rules_in_force, name="rules")]
