"""OpenAPI pieces: the Api-Key security scheme, the French error body, and a hook that
documents the error answers every endpoint can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "reports.api.authentication.ApiKeyAuthentication"
    name = "cleApi"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Clé d'un client de l'API : « Authorization: Api-Key <clé> ».",
        }


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Message en français.")
    errors = serializers.DictField(
        required=False, help_text="Erreurs par paramètre ou par champ (400 seulement)."
    )


ERROR_DESCRIPTIONS = {
    "400": "Paramètres ou données invalides (message en français, erreurs par champ).",
    "401": "Authentification absente ou invalide (clé d'API, jeton ou session).",
    "403": "Action non autorisée (par exemple écriture avec une clé en lecture seule).",
    "404": "Ressource ou territoire inconnu, ou hors du périmètre du compte ou de la clé.",
    "409": "Action impossible dans l'état actuel du dossier, ou déjà faite par quelqu'un "
    "d'autre : rien n'a été modifié.",
    "429": "Trop de requêtes : réessayez après le délai de l'en-tête Retry-After.",
}


def error_responses(*codes) -> dict:
    return {
        int(c): OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[c]) for c in codes
    }


COMMON_ERRORS = error_responses("401", "403", "404", "429")
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "Message en français."},
        "errors": {"type": "object", "additionalProperties": {}},
    },
    "required": ["detail"],
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the error answers
    the project's access layer and exception handler can give, with the `{"detail": ...}`
    body, unless the view documented them itself. Register it in
    SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = ("400", "401", "403", "404", "429")
            if method != "get":
                codes += ("409",)
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result


def paginated(name: str, item, extra: dict | None = None):
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            **(extra or {}),
            "results": item(many=True),
        },
    )
