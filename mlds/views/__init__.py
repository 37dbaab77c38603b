from .ambition import ambition_action, ambition_detail, ambition_list, ambition_propose
from .caseload import caseload, dashboard_panel, export_csv, student_cases
from .droit_retour import (
    droit_retour_action,
    droit_retour_detail,
    droit_retour_list,
    droit_retour_new,
)
from .follow_ups import follow_up_action, follow_up_detail, follow_up_new, signal
from .partners import partner_contact_add, partner_detail, partner_edit, partner_list, partner_new
from .siei import siei_import, siei_import_progress, siei_import_relaunch, siei_import_status

__all__ = [
    "ambition_action",
    "ambition_detail",
    "ambition_list",
    "ambition_propose",
    "caseload",
    "dashboard_panel",
    "droit_retour_action",
    "droit_retour_detail",
    "droit_retour_list",
    "droit_retour_new",
    "export_csv",
    "follow_up_action",
    "follow_up_detail",
    "follow_up_new",
    "partner_contact_add",
    "partner_detail",
    "partner_edit",
    "partner_list",
    "partner_new",
    "siei_import",
    "siei_import_progress",
    "siei_import_relaunch",
    "siei_import_status",
    "signal",
    "student_cases",
]
