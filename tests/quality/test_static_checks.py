"""The static checks `make test` runs with the suite: the app graph, templates and typing."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_apps_import_only_the_layers_below_them():
    result = run("lint-imports", "--no-cache", "--no-logo")
    assert result.returncode == 0, result.stdout + result.stderr


TEMPLATE_DIRS = ["templates", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/templates"))]


def test_templates_pass_djlint():
    result = run("djlint", *TEMPLATE_DIRS, "--lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_script_or_event_handler_is_written_inline():
    """Scripts are files under static/ (the CSP allows no inline script)."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+=[\"']", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in TEMPLATE_DIRS
        for path in (ROOT / folder).rglob("*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_rules_perms_and_services_pass_mypy_strict():
    """The modules listed under [tool.mypy] in pyproject.toml."""
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
