from .overview import dashboard_panel

__all__ = ["dashboard_panel"]
