"""A newcomer's first hour: `make run` on another port, `migrate` on a fresh clone."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.utils import ROOT


def _local_env(**env: str) -> dict[str, str]:
    """What scripts/local-env.sh (sourced by `make run`) exports for the given variables."""
    base = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    script = (
        'source scripts/local-env.sh; printf "%s\\n" "$HOST" "$PORT" "$SITE_URL" "$ALLOWED_HOSTS"'
    )
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    host, port, site_url, allowed = result.stdout.splitlines()
    return {"HOST": host, "PORT": port, "SITE_URL": site_url, "ALLOWED_HOSTS": allowed}


def test_make_run_defaults_to_port_8000():
    assert _local_env()["SITE_URL"] == "http://127.0.0.1:8000"


def test_make_run_site_url_follows_port():
    assert _local_env(PORT="18042")["SITE_URL"] == "http://127.0.0.1:18042"


def test_make_run_site_url_follows_host_and_allows_it():
    env = _local_env(HOST="webinar.local", PORT="9000")
    assert env["SITE_URL"] == "http://webinar.local:9000"
    assert env["ALLOWED_HOSTS"] == "localhost,127.0.0.1,[::1],webinar.local"


def test_make_run_on_every_interface_links_to_the_loopback():
    every_interface = ".".join(["0"] * 4)
    assert _local_env(HOST=every_interface, PORT="8080")["SITE_URL"] == "http://127.0.0.1:8080"


def test_make_run_keeps_an_explicit_site_url():
    env = _local_env(PORT="18042", SITE_URL="https://webinars.example.org")
    assert env["SITE_URL"] == "https://webinars.example.org"


def test_mail_links_follow_the_port_of_make_run():
    """The settings Django reads under `make run` put the port into participants' links."""
    code = (
        "import django; django.setup(); "
        "from registration.links import manage_url; from registration.models import Registration; "
        "print(manage_url(registration=Registration(pk=1, access_key='k')))"
    )
    script = f'source scripts/local-env.sh; DEBUG=1 "{sys.executable}" -c "{code}"'
    env = {
        "PATH": os.environ["PATH"],
        "PORT": "18042",
        "DJANGO_SETTINGS_MODULE": "webinar.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("http://127.0.0.1:18042/registrations/")


@pytest.mark.parametrize("debug", ["0", "1"], ids=["production", "debug"])
def test_migrate_on_a_fresh_clone_creates_the_var_folder(tmp_path, debug):
    var_dir = tmp_path / "clone" / "var"  # neither exists yet
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "webinar.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": debug,
        "VAR_DIR": str(var_dir),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (var_dir / "db.sqlite3").is_file()
