def dashboard_panel(request) -> str:
    """HTML block for the home dashboard, or "" when this app has nothing for the role."""
    return ""
