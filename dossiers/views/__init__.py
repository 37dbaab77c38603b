from .overview import dashboard_panel, student_cases

__all__ = ["dashboard_panel", "student_cases"]
