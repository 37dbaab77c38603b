from . import calendar


class CalendarMemoMiddleware:
    """Within one request, calendar dates are read once per school year (see calendar.memo)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with calendar.memo():
            return self.get_response(request)
