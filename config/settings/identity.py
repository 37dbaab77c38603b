"""Identity: ProConnect (OpenID Connect), second factor, password login, client IP.

Imported by `base`; every value comes from the environment with a production-safe default.
"""

import environ

_env = environ.Env()

# --- Password login ---------------------------------------------------------------------------
# Off in production (agents sign in with ProConnect), except for the break-glass accounts listed
# here (usernames of administrators). `make run` and the tests turn it on.
PASSWORD_LOGIN_ENABLED = _env.bool("PASSWORD_LOGIN_ENABLED", default=False)
PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS = _env.list("PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS", default=[])

# --- Second factor (TOTP, django-otp) ---------------------------------------------------------
# Required after a password login when true; always required for administrators, superusers
# and staff (Django admin), whatever the login method, unless ProConnect reports a multi-factor
# login (`amr` contains `mfa` or `totp`).
SECOND_FACTOR_FOR_PASSWORD_LOGIN = _env.bool("SECOND_FACTOR_FOR_PASSWORD_LOGIN", default=True)
SECOND_FACTOR_ISSUER = _env("SECOND_FACTOR_ISSUER", default="Sécuparcours")
SECOND_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = SECOND_FACTOR_ISSUER
OTP_TOTP_THROTTLE_FACTOR = 1  # 1 s, 2 s, 4 s… between attempts after each wrong code

# --- ProConnect (OIDC, authorization code flow, via mozilla-django-oidc) ----------------------
# Empty discovery URL or client id: the ProConnect button is not shown.
PROCONNECT_DISCOVERY_URL = _env("PROCONNECT_DISCOVERY_URL", default="")
PROCONNECT_CLIENT_ID = _env("PROCONNECT_CLIENT_ID", default="")
PROCONNECT_CLIENT_SECRET = _env("PROCONNECT_CLIENT_SECRET", default="")
PROCONNECT_SIGN_ALGO = _env("PROCONNECT_SIGN_ALGO", default="RS256")
PROCONNECT_SCOPES = _env(
    "PROCONNECT_SCOPES", default="openid email given_name usual_name uid siret idp_id"
)
PROCONNECT_ACR_VALUES = _env("PROCONNECT_ACR_VALUES", default="eidas1")
# Ask for `amr` in the ID token, so a multi-factor login at the provider skips ours.
PROCONNECT_REQUEST_AMR = _env.bool("PROCONNECT_REQUEST_AMR", default=True)
PROCONNECT_TIMEOUT = _env.float("PROCONNECT_TIMEOUT", default=5.0)
PROCONNECT_VERIFY_KID = _env.bool("PROCONNECT_VERIFY_KID", default=True)
PROCONNECT_CLOCK_LEEWAY = _env.int("PROCONNECT_CLOCK_LEEWAY", default=30)
PROCONNECT_UNKNOWN_ACCOUNT_HELP = _env(
    "PROCONNECT_UNKNOWN_ACCOUNT_HELP",
    default="Les comptes Sécuparcours sont ouverts par l'administrateur de votre académie "
    "(service informatique du rectorat). Demandez-lui d'ouvrir un compte à votre adresse "
    "professionnelle avec votre rôle et votre établissement ou service.",
)

# mozilla-django-oidc reads these names; ours are filled in from the provider's discovery
# document at run time (accounts/proconnect.py).
OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT_ID
OIDC_RP_CLIENT_SECRET = PROCONNECT_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = PROCONNECT_SIGN_ALGO
OIDC_RP_SCOPES = PROCONNECT_SCOPES
OIDC_TIMEOUT = PROCONNECT_TIMEOUT
OIDC_VERIFY_KID = PROCONNECT_VERIFY_KID
OIDC_STATE_SIZE = 32
OIDC_NONCE_SIZE = 32
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:proconnect_callback"

# --- Client IP behind reverse proxies (django-axes lockout, login audit) ----------------------
# Number of reverse proxies in front of gunicorn, each appending the address it received the
# connection from to X-Forwarded-For: the client is the N-th address from the right. With 0
# the header is ignored (a direct client could forge it) and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = _env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
