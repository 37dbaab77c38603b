"""ProConnect login (OpenID Connect authorization code flow) on mozilla-django-oidc.

The library exchanges the code, fetches the provider's keys and checks the signatures and the
nonce; this module adds what ProConnect and a service holding minors' data need on top: the
endpoints read from the discovery document, strict checks of the issuer, audience and expiry,
a refusal with a French message for every failure (never a 500), and matching to an account
that an administrator created (no self-registration).
"""

import json
import logging
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.utils.crypto import salted_hmac
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

logger = logging.getLogger("secuparcours.auth")

DISCOVERY_CACHE_SECONDS = 3600
MFA_AMR_VALUES = {"mfa", "totp"}
ID_TOKEN_SESSION_KEY = "oidc_id_token"

# mozilla-django-oidc setting name -> our setting, read at call time.
_LIVE_SETTINGS = {
    "OIDC_RP_CLIENT_ID": "PROCONNECT_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "PROCONNECT_CLIENT_SECRET",
    "OIDC_RP_SIGN_ALGO": "PROCONNECT_SIGN_ALGO",
    "OIDC_RP_SCOPES": "PROCONNECT_SCOPES",
    "OIDC_TIMEOUT": "PROCONNECT_TIMEOUT",
    "OIDC_VERIFY_KID": "PROCONNECT_VERIFY_KID",
}

MESSAGES = {
    "provider_unavailable": "ProConnect ne répond pas pour le moment. Réessayez dans quelques "
    "minutes.",
    "denied": "La connexion a été interrompue chez ProConnect : vous n'êtes pas connecté.",
    "no_pending": "Aucune connexion ProConnect n'était en cours dans ce navigateur (lien "
    "ouvert dans un autre navigateur, session expirée ou connexion déjà utilisée). "
    "Recommencez la connexion.",
    "state": "Cette réponse de ProConnect ne correspond à aucune connexion en cours (lien déjà "
    "utilisé ou périmé). Recommencez la connexion.",
    "invalid_token": "La réponse de ProConnect n'a pas pu être vérifiée : par sécurité, la "
    "connexion est refusée. Recommencez ; si le problème persiste, prévenez l'administrateur.",
    "expired_token": "La réponse de ProConnect a expiré avant d'arriver. Recommencez la connexion.",
    "email_missing": "ProConnect n'a pas transmis votre adresse électronique professionnelle : "
    "sans elle, votre compte ne peut pas être retrouvé.",
    "unknown_account": "Aucun compte Sécuparcours n'est ouvert pour l'adresse {email}. "
    "Aucun compte n'a été créé.",
    "inactive": "Le compte Sécuparcours de l'adresse {email} est désactivé.",
    "identity_conflict": "Le compte Sécuparcours de l'adresse {email} est déjà rattaché à une "
    "autre identité ProConnect. Par sécurité, la connexion est refusée.",
    "ambiguous": "Plusieurs comptes Sécuparcours portent l'adresse {email} : la connexion est "
    "refusée tant que l'administrateur n'a pas corrigé les comptes.",
}
# Refusals the académie's administrator can fix (the page names whom to ask).
ACCOUNT_REFUSALS = {"unknown_account", "inactive", "identity_conflict", "ambiguous"}


class ProviderUnavailable(Exception):
    """The provider did not answer, answered an error or in time."""


class LoginRefused(Exception):
    """A ProConnect login that must not open a session."""

    def __init__(self, code: str, *, email: str = "", detail: str = ""):
        super().__init__(code)
        self.code = code
        self.email = email
        self.detail = detail

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(email=self.email or "transmise")


def is_configured() -> bool:
    return bool(settings.PROCONNECT_DISCOVERY_URL and settings.PROCONNECT_CLIENT_ID)


def provider_config() -> dict:
    """The provider's discovery document, cached for an hour once it was read."""
    url = settings.PROCONNECT_DISCOVERY_URL
    key = "proconnect:discovery:" + salted_hmac("proconnect", url).hexdigest()
    conf = cache.get(key)
    if conf is None:
        try:
            response = requests.get(url, timeout=settings.PROCONNECT_TIMEOUT)
            response.raise_for_status()
            conf = response.json()
            for field in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(conf.get(field), str):
                    raise ValueError(field)
        except (requests.RequestException, ValueError) as exc:
            logger.warning("ProConnect : découverte impossible (%s)", type(exc).__name__)
            raise ProviderUnavailable from exc
        cache.set(key, conf, DISCOVERY_CACHE_SECONDS)
    return conf


def provider_reports_mfa(amr) -> bool:
    if isinstance(amr, str):
        amr = amr.split()
    return bool(MFA_AMR_VALUES & set(amr or []))


@dataclass
class ProConnectLogin:
    user: object
    issuer: str
    idp_id: str
    id_token: str
    mfa: bool


class ProConnectBackend(OIDCAuthenticationBackend):
    """Only used by the ProConnect callback (`authenticate(..., proconnect=True)`).

    Listed in AUTHENTICATION_BACKENDS so that sessions it opened find their user again;
    construction is free (no network), the provider is read when a login is checked.
    """

    ID_TOKEN_CLAIMS = ["iss", "aud", "exp", "iat", "sub"]
    USERINFO_CLAIMS = ["sub"]

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self._required = self.ID_TOKEN_CLAIMS

    @staticmethod
    def get_settings(attr, *args):
        if attr in _LIVE_SETTINGS:
            return getattr(settings, _LIVE_SETTINGS[attr])
        return OIDCAuthenticationBackend.get_settings(attr, *args)

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)

    def _load_provider(self):
        conf = provider_config()
        self.issuer = conf["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = conf["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = conf.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = conf["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.PROCONNECT_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.PROCONNECT_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.PROCONNECT_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        """Return a ProConnectLogin, or raise LoginRefused / ProviderUnavailable."""
        if not kwargs.pop("proconnect", False):
            return None
        self._load_provider()
        self._stored_id_token = ""
        self._id_claims, self._claims = {}, {}
        try:
            user = super().authenticate(request, **kwargs)
        except LoginRefused:
            raise
        except requests.RequestException as exc:
            logger.warning("ProConnect : fournisseur injoignable (%s)", type(exc).__name__)
            raise ProviderUnavailable from exc
        except (SuspiciousOperation, jwt.InvalidTokenError, ValueError, KeyError) as exc:
            code = "invalid_token"
            raise LoginRefused(code, detail=_describe(exc)) from exc
        if user is None:
            raise LoginRefused("invalid_token", detail="réponse incomplète")
        return ProConnectLogin(
            user=user,
            issuer=self.issuer,
            idp_id=str(self._claims.get("idp_id", ""))[:255],
            id_token=self._stored_id_token,
            mfa=provider_reports_mfa(self._id_claims.get("amr") or self._claims.get("amr")),
        )

    def store_tokens(self, access_token, id_token):
        # Kept for the logout (`id_token_hint`), written to the session after login.
        self._stored_id_token = id_token

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        alg = header.get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise LoginRefused("invalid_token", detail=f"algorithme {alg!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=settings.PROCONNECT_CLOCK_LEEWAY,
                options={"require": self._required},
            )
        except jwt.ExpiredSignatureError as exc:
            raise LoginRefused("expired_token", detail="jeton expiré") from exc
        except jwt.InvalidTokenError as exc:
            raise LoginRefused("invalid_token", detail=_describe(exc)) from exc

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if self._required is self.ID_TOKEN_CLAIMS:
            self._id_claims = payload
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """JSON or a signed JWT (ProConnect's `application/jwt`), checked like the ID token."""
        self._required = self.USERINFO_CLAIMS
        try:
            return super().get_userinfo(access_token, id_token, payload)
        finally:
            self._required = self.ID_TOKEN_CLAIMS

    def get_or_create_user(self, access_token, id_token, payload):
        from .services import match_proconnect_account

        claims = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise LoginRefused("invalid_token", detail="sub différent entre jeton et userinfo")
        self._claims = claims
        email = str(claims.get("email") or "").strip().lower()
        if not email:
            raise LoginRefused("email_missing")
        return match_proconnect_account(
            issuer=self.issuer,
            sub=str(payload["sub"]),
            email=email,
            idp_id=str(claims.get("idp_id", "")),
        )


def _describe(exc: Exception) -> str:
    """Name the failure without quoting the token (exception texts may contain it)."""
    if isinstance(exc, SuspiciousOperation) and "Nonce" in str(exc):
        return "nonce différent"
    return type(exc).__name__


class ProConnectRequestView(OIDCAuthenticationRequestView):
    """Redirect to ProConnect with a fresh `state` and `nonce` (32 characters, in the session)."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr, *args):
        return ProConnectBackend.get_settings(attr, *args)

    def prepare(self):
        conf = provider_config()
        self.OIDC_OP_AUTH_ENDPOINT = conf["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.PROCONNECT_CLIENT_ID

    def get_extra_params(self, request):
        params = {}
        if settings.PROCONNECT_ACR_VALUES:
            params["acr_values"] = settings.PROCONNECT_ACR_VALUES
        if settings.PROCONNECT_REQUEST_AMR:
            params["claims"] = json.dumps({"id_token": {"amr": {"essential": True}}})
        return params


def end_session_url(*, id_token: str, state: str, post_logout_redirect_uri: str) -> str:
    """ProConnect logout: browser redirect with `id_token_hint`, `state` and the return URL."""
    from urllib.parse import urlencode

    endpoint = provider_config().get("end_session_endpoint")
    if not endpoint:
        raise ProviderUnavailable("pas de end_session_endpoint")
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
    )
    return f"{endpoint}?{query}"
