"""Every API error answers in French with a stable shape: {"detail": ..., "errors": {...}}."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Ressource introuvable ou hors de votre périmètre.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("Action non autorisée pour votre rôle.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and "detail" in response.data:
        return response
    return Response(
        {"detail": "Données invalides.", "errors": response.data},
        status=response.status_code or status.HTTP_400_BAD_REQUEST,
        headers=response.headers if hasattr(response, "headers") else None,
    )
