"""A real OpenID provider on loopback for the ProConnect tests: oidc-provider-mock 0.3.4
(Flask + Authlib) in a thread, on a free port, with ProConnect's habits added by hooks:

- `provider.userinfo_as_jwt = True`: the userinfo endpoint answers `application/jwt`, signed
  with the provider's key, as ProConnect does;
- `provider.tamper_signature = True`: the ID token's signature is altered in transit;
- `provider.token_delay = seconds`: the token endpoint is slow;
- `provider.sign_es256 = True`: ID tokens are signed ES256 with an EC key the JWKS publishes
  (ProConnect lets each service choose RS256 or ES256 at registration).

Claims that would make a bad token (wrong `iss`, `aud`, `exp`, `nonce`) are given to the
user: Authlib copies user claims into the ID token it signs, so the token is genuinely
issued by the provider with those values.
"""

import os
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests

CLIENT_ID = "secuparcours-test"
CLIENT_SECRET = "secret-client-de-test"


@dataclass
class Provider:
    url: str
    userinfo_as_jwt: bool = False
    tamper_signature: bool = False
    token_delay: float = 0.0
    sign_es256: bool = False
    requests_seen: list = field(default_factory=list)

    def add_user(self, sub: str, **claims):
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        assert response.status_code == 204, response.text

    def authorize(self, authorize_url: str, sub: str) -> str:
        """What the agent does at the provider: pick the identity. Returns the callback URL."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


def _install_hooks(app, provider: Provider):
    import flask
    from authlib.jose import JsonWebKey
    from authlib.jose import jwt as authlib_jwt

    ec_key = JsonWebKey.generate_key("EC", "P-256", is_private=True)

    @app.before_request
    def slow_token():
        provider.requests_seen.append(flask.request.path)
        if flask.request.path == "/oauth2/token" and provider.token_delay:
            time.sleep(provider.token_delay)

    @app.after_request
    def proconnect_habits(response):
        path = flask.request.path
        if path == "/oauth2/token" and provider.tamper_signature and response.status_code == 200:
            body = response.get_json()
            head, payload, signature = body["id_token"].split(".")
            body["id_token"] = ".".join([head, payload, signature[::-1]])
            response.set_data(flask.json.dumps(body))
        if path == "/oauth2/token" and provider.sign_es256 and response.status_code == 200:
            body = response.get_json()
            claims = authlib_jwt.decode(body["id_token"], flask.g.oidc_provider_mock_storage.jwk)
            body["id_token"] = authlib_jwt.encode(
                {"alg": "ES256"}, dict(claims), ec_key.as_dict(is_private=True)
            ).decode()
            response.set_data(flask.json.dumps(body))
        if path == "/jwks" and provider.sign_es256:
            keys = response.get_json()
            keys["keys"].append({**ec_key.as_dict(is_private=False), "alg": "ES256"})
            response.set_data(flask.json.dumps(keys))
        if path == "/userinfo" and provider.userinfo_as_jwt and response.status_code == 200:
            storage = flask.g.oidc_provider_mock_storage
            claims = response.get_json()
            claims.update({"iss": flask.request.host_url.rstrip("/"), "aud": CLIENT_ID})
            token = authlib_jwt.encode(
                {"alg": "RS256"}, claims, storage.jwk.as_dict(is_private=True)
            )
            response.set_data(token)
            response.headers["Content-Type"] = "application/jwt"
        return response


@pytest.fixture
def oidc_provider(settings):
    """Start the provider on a free loopback port and point the ProConnect settings at it."""
    import oidc_provider_mock
    import werkzeug.serving
    from django.core.cache import cache

    cache.clear()  # no discovery document of an earlier provider
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on loopback only
    app = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    provider = Provider(url=f"http://localhost:{server.server_port}")
    _install_hooks(app, provider)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    settings.PROCONNECT_DISCOVERY_URL = f"{provider.url}/.well-known/openid-configuration"
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.PROCONNECT_VERIFY_KID = False  # the provider's tokens carry no `kid`
    settings.PROCONNECT_SCOPES = "openid email profile given_name usual_name uid siret idp_id"
    settings.PROCONNECT_TIMEOUT = 3
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
