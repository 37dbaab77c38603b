"""The main menu: which entries a role sees, which one is the current page, how they group.

One table instead of a fragment per app, so that exactly one entry is marked as the current
page (`aria-current="page"`) whatever page of a module is open, and so that a role with many
entries (the administrator) gets DSFR sub-menus rather than one long line.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from . import roles as G

# Above this many entries, the menu is grouped in sub-menus.
FLAT_MENU_MAX = 8


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    group: str
    roles: frozenset[str] | None = None  # None: every role (groups of accounts.roles)
    nominative: bool = False
    # What makes it current: "app" (any page of the app) or "app:url_name".
    current: tuple = field(default_factory=tuple)


GROUP_CASES = "Élèves et dossiers"
GROUP_NETWORK = "Territoire et pilotage"
GROUP_ADMIN = "Administration"
COMMISSION_PAGES = (
    "dossiers:commission",
    "dossiers:session_create",
    "dossiers:session_detail",
    "dossiers:session_decide",
    "dossiers:session_minutes",
    "dossiers:session_letters",
    "dossiers:capacities",
    "dossiers:capacity_save",
    "dossiers:capacity_promote",
    "dossiers:decision_withdraw",
)
CALL_PAGES = tuple(
    f"foquale:{name}"
    for name in (
        "call_list",
        "call_create",
        "call_detail",
        "call_transition",
        "project_create",
        "project_detail",
        "project_submit",
        "project_review",
        "project_decide",
    )
)

ENTRIES = (
    Entry("Tableau de bord", "home", "", current=(":home",)),
    Entry("Élèves", "students:list", GROUP_CASES, nominative=True, current=("students",)),
    Entry(
        "Sorties sans solution",
        "students:exit_signals",
        GROUP_CASES,
        roles=G.EXIT_SIGNAL_ROLES,
        nominative=True,
        current=("students:exit_signals",),
    ),
    Entry(
        "Re-préparation",
        "dossiers:list",
        GROUP_CASES,
        # The MLDS coordinator reads only the sans-solution dossiers: its own entry below.
        roles=G.DOSSIER_READ_ROLES - G.MLDS_ROLES,
        nominative=True,
        current=("dossiers",),
    ),
    Entry(
        "Suivi CIO",
        "dossiers:cio",
        GROUP_CASES,
        roles=G.CIO_ROLES,
        nominative=True,
        current=("dossiers:cio",),
    ),
    Entry(
        "Commission d'affectation",
        "dossiers:commission",
        GROUP_CASES,
        roles=G.COMMISSION_PAGE_ROLES,
        nominative=True,
        current=COMMISSION_PAGES,
    ),
    Entry(
        "Sans solution à la rentrée",
        "dossiers:sans_solution",
        GROUP_CASES,
        roles=G.MLDS_ROLES,
        nominative=True,
        current=("dossiers:sans_solution",),
    ),
    Entry(
        "Prévention",
        "prevention:board",
        GROUP_CASES,
        roles=G.PREVENTION_SCHOOL_READ_ROLES,
        current=("prevention",),
    ),
    Entry(
        "Validations des parcours",
        "prevention:validation_queue",
        GROUP_CASES,
        roles=G.INSPECTION_ROLES,
        current=("prevention",),
    ),
    Entry(
        "Suivis MLDS",
        "mlds:caseload",
        GROUP_CASES,
        roles=G.MLDS_PAGE_ROLES,
        nominative=True,
        current=("mlds",),
    ),
    Entry(
        "Rappels", "notifications:inbox", GROUP_CASES, nominative=True, current=("notifications",)
    ),
    Entry("Établissements", "territories:school_list", GROUP_NETWORK, current=("territories",)),
    Entry("Réseaux FoQualE", "foquale:network_list", GROUP_NETWORK, current=("foquale",)),
    Entry("Appels à projets", "foquale:call_list", GROUP_NETWORK, current=CALL_PAGES),
    Entry("Indicateurs", "reports:indicators", GROUP_NETWORK, current=("reports",)),
    Entry("Règles en vigueur", "rulebook:rules", GROUP_NETWORK, current=("rulebook",)),
    Entry(
        "Comptes des agents",
        "accounts:account_list",
        GROUP_ADMIN,
        roles=G.ADMIN_ROLES,
        current=(
            "accounts:account_list",
            "accounts:account_detail",
            "accounts:account_action",
            "accounts:exceptional_access_review",
            "accounts:exceptional_access_revoke",
        ),
    ),
    Entry(
        "Traçabilité",
        "audit:access_log",
        GROUP_ADMIN,
        roles=G.ADMIN_ROLES,
        current=("audit",),
    ),
    Entry(
        "Envois des rappels",
        "notifications:operations",
        GROUP_ADMIN,
        roles=G.ADMIN_ROLES,
        current=("notifications:operations", "notifications:retry_failed"),
    ),
)


def _visible(entry, role) -> bool:
    if entry.roles is not None and role.role not in entry.roles:
        return False
    return not entry.nominative or role.is_nominative


def _current_entry(entries, nav_key: str):
    """The most specific match: a named page before a whole app."""
    app = nav_key.split(":", 1)[0]
    for entry in entries:
        if nav_key in entry.current:
            return entry
    for entry in entries:
        if app and app in entry.current:
            return entry
    return None


def main_menu(role, nav_key: str) -> list[dict]:
    """Menu items for the template: links, or groups of links when the menu is long."""
    entries = [ENTRIES[0]] if role is None else [e for e in ENTRIES if _visible(e, role)]
    current = _current_entry(entries, nav_key)

    def link(entry):
        return {
            "label": entry.label,
            "url": reverse(entry.url_name),
            "current": entry is current,
            "links": None,
        }

    if len(entries) <= FLAT_MENU_MAX:
        return [link(e) for e in entries]
    items, groups = [], {}
    for entry in entries:
        if not entry.group:
            items.append(link(entry))
            continue
        if entry.group not in groups:
            groups[entry.group] = {
                "label": entry.group,
                "links": [],
                "current": False,
                "menu_id": f"menu-{len(groups)}",
            }
            items.append(groups[entry.group])
        groups[entry.group]["links"].append(link(entry))
        groups[entry.group]["current"] |= entry is current
    return items
