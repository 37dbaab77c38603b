from django.conf import settings

from . import roles
from .navigation import main_menu

SITE_CONFIG = {
    "site_title": "Sécuparcours",
    "site_tagline": "Sécurisation des parcours et lutte contre le décrochage scolaire",
    "header_brand_html": "Ministère<br>de l'Éducation<br>nationale",
    "footer_brand_html": "Ministère<br>de l'Éducation<br>nationale",
    "footer_description": "",
    "beta_tag": False,
    "mourning": False,
    "notice_title": "",
    "notice_description": "",
    "accessibility_status": "PART",
}


def navigation(request):
    user = getattr(request, "user", None)
    role = getattr(user, "active_role", None) if user and user.is_authenticated else None
    available = user.roles if user and user.is_authenticated else []
    if role is not None and _second_factor_pending(request):
        role, available = None, []  # nothing to navigate to before the second factor
    match = getattr(request, "resolver_match", None)
    nav_key = f"{match.app_name}:{match.url_name}" if match else ""
    return {
        "nav_key": nav_key,
        # A callable: the template computes the menu only where it shows it.
        "main_menu": lambda: main_menu(role, nav_key),
        "SITE_CONFIG": SITE_CONFIG,
        "ACADEMIE_NAME": settings.ACADEMIE_NAME,
        "active_role": role,
        "available_roles": available,
        **access_flags(role),
    }


def access_flags(role) -> dict[str, bool]:
    """The `can_*` booleans templates test instead of role names (groups in accounts.roles).

    The main menu itself is `navigation.ENTRIES`, keyed by the same groups.
    """
    r = role.role if role is not None and role.is_nominative else None
    return {
        "can_nav_droit_retour": r in roles.DROIT_RETOUR_READ_ROLES,
        "can_import_siei": r in roles.MLDS_ROLES,
    }


def _second_factor_pending(request) -> bool:
    from .second_factor import is_pending

    return request.path.startswith("/compte/second-facteur/") and is_pending(request)
