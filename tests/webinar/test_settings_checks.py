"""Production settings: refuse to start without secrets, and pass check --deploy cleanly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.utils import ROOT, manage, production_env

pytestmark = pytest.mark.django_db


def _prod_env(**overrides):
    env = production_env(
        REDIS_URL="redis://127.0.0.1:6379/0",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=_prod_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_refuses_missing_secret_key():
    result = manage("check", "--deploy", env=_prod_env(SECRET_KEY=None))
    assert result.returncode == 1
    assert "webinar.E001" in result.stderr
    assert "SECRET_KEY is not set." in result.stderr


def test_check_refuses_missing_site_url():
    result = manage("check", "--deploy", env=_prod_env(SITE_URL=None))
    assert result.returncode == 1
    assert "webinar.E003" in result.stderr


def test_check_deploy_warns_about_a_plain_http_site_url():
    result = manage("check", "--deploy", env=_prod_env(SITE_URL="http://webinars.example.org"))
    assert "webinar.W003" in result.stderr


def test_check_refuses_empty_allowed_hosts():
    result = manage("check", "--deploy", env=_prod_env(ALLOWED_HOSTS=None))
    assert result.returncode == 1
    assert "webinar.E002" in result.stderr


def test_check_deploy_warns_about_embedded_broker_and_local_cache():
    result = manage(
        "check", "--deploy", env=_prod_env(REDIS_URL=None, CELERY_BROKER_URL="filesystem://")
    )
    assert "webinar.W001" in result.stderr
    assert "webinar.W002" in result.stderr


def test_wsgi_application_refuses_to_load_without_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import webinar.wsgi"],
        cwd=ROOT,
        env=_prod_env(SECRET_KEY=None),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "ImproperlyConfigured: webinar.E001" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = manage("shell", "-c", code, env=_prod_env())
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_redis_broker_has_socket_timeouts_and_long_visibility_timeout():
    code = (
        "from django.conf import settings as s; o = s.CELERY_BROKER_TRANSPORT_OPTIONS; "
        "print(o['socket_timeout'], o['socket_connect_timeout'], "
        "o['visibility_timeout'] > s.REPORT_BUILD_TIME_LIMIT)"
    )
    result = manage("shell", "-c", code, env=_prod_env())
    assert result.stdout.strip().splitlines()[-1] == "5 3 True"


def test_language_cookie_is_secure_httponly_and_samesite_in_production():
    # A real answer of the language switch, under the production settings module.
    code = (
        "from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').post('/i18n/setlang/', {'language': 'fr'}, "
        "secure=True); c = r.cookies['django_language']; "
        "print(r.status_code, c.value, c['secure'], c['httponly'], c['samesite'])"
    )
    result = manage("shell", "-v", "0", "-c", code, env=_prod_env())
    assert result.stdout.strip().splitlines()[-1] == "302 fr True True Lax", result.stderr


def test_language_cookie_follows_the_session_cookie_when_tls_is_off():
    code = (
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY)"
    )
    result = manage("shell", "-v", "0", "-c", code, env=_prod_env(SESSION_COOKIE_SECURE="0"))
    assert result.stdout.strip().splitlines()[-1] == "False False True", result.stderr


def test_worker_refuses_to_start_without_secret_key():
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "webinar", "worker", "--pool=solo"],
        cwd=ROOT,
        env=_prod_env(SECRET_KEY=None, CELERY_BROKER_URL="filesystem://"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "webinar.E001: SECRET_KEY is not set." in result.stdout + result.stderr


def test_maintenance_commands_work_before_the_secrets_are_set():
    result = manage("makemigrations", "--check", "--dry-run", env=_prod_env(SECRET_KEY=None))
    assert result.returncode == 0, result.stderr
