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


def access_flags(role) -> dict:
    """The `can_*` booleans templates test instead of role names (groups in accounts.roles)."""
    r = role.role if role is not None and role.is_nominative else None
    return {
        "can_nav_dossiers": r in roles.DOSSIER_READ_ROLES - roles.MLDS_ROLES,
        "can_nav_cio": r in roles.CIO_ROLES,
        "can_nav_commission": r in roles.COMMISSION_PAGE_ROLES,
        "can_nav_sans_solution": r in roles.MLDS_ROLES,
        "can_nav_prevention": r in roles.PREVENTION_SCHOOL_READ_ROLES,
        "can_nav_validations": r in roles.INSPECTION_ROLES,
        "can_nav_mlds": r in roles.MLDS_PAGE_ROLES,
        "can_nav_droit_retour": r in roles.DROIT_RETOUR_READ_ROLES,
        "can_import_siei": r in roles.MLDS_ROLES,
        "can_administer": r in roles.ADMIN_ROLES,
    }


def _second_factor_pending(request) -> bool:
    from .second_factor import is_pending

    return request.path.startswith("/compte/second-facteur/") and is_pending(request)
