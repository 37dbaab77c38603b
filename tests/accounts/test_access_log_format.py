import datetime as dt
import runpy
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings


def test_gunicorn_access_log_leaves_out_the_query_string():
    """The ProConnect callback's code and state never reach the web server's log."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("access_log_format", conf["access_log_format"])
    logger = Logger(cfg)
    query = "code=CODE-SECRET-123&state=ETAT-SECRET-456"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/compte/proconnect/retour/?{query}",
        "PATH_INFO": "/compte/proconnect/retour/",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    request = SimpleNamespace(headers=[], method="GET", path="/compte/proconnect/retour/")
    response = SimpleNamespace(status="302 Found", response_length=0, headers=[], sent=0)
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=12))
    line = cfg.access_log_format % atoms
    assert "/compte/proconnect/retour/" in line
    assert "CODE-SECRET" not in line and "ETAT-SECRET" not in line
