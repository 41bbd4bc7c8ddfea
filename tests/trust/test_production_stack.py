"""What docker-compose.yml runs, checked under gunicorn in production mode (DEBUG off):
speaker photos are served, private files are not, and clients behind the proxy are told apart.
"""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from registration.models import Registration
from tests.factories import EventFactory
from tests.trust.http import Browser
from tests.utils import ROOT, production_env, start_web, stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _compose_default(variable: str) -> str:
    """The value docker-compose.yml gives ``variable`` when the operator sets nothing."""
    text = (ROOT / "docker-compose.yml").read_text()
    found = re.search(rf"^\s+{variable}: \$\{{{variable}:-([^}}]*)\}}\s*$", text, re.MULTILINE)
    assert found, f"docker-compose.yml does not set {variable}"
    return found.group(1)


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _env(tmp_path, collected_static, **overrides):
    return production_env(
        STATIC_ROOT=collected_static,
        CELERY_BROKER_URL="filesystem://",
        VAR_DIR=str(tmp_path / "var"),
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        **overrides,
    )


def test_speaker_photo_is_served_and_private_files_are_not(tmp_path, collected_static):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    photo = default_storage.save("agenda/people/speaker-stack.png", ContentFile(buffer.getvalue()))
    pdf = default_storage.save("reports/stack/report-1-en-a1.pdf", ContentFile(b"%PDF-1.7 private"))
    other = default_storage.save("imports/attendance-stack.csv", ContentFile(b"name,email"))
    web, base_url = start_web(env=_env(tmp_path, collected_static), log_path=tmp_path / "web.log")
    try:
        status, headers, body = _get(f"{base_url}/media/{photo}")
        refused = {
            name: _get(f"{base_url}/media/{name}")[0]
            for name in (
                pdf, other, "agenda/people/../../" + pdf, "agenda/people/missing.png",
            )
        }  # fmt: skip
    finally:
        stop(web)
    assert (status, headers["Content-Type"], body) == (200, "image/png", buffer.getvalue())
    assert headers["Cache-Control"] == "public, max-age=86400"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert refused == dict.fromkeys(refused, 404)


def test_behind_the_proxy_each_client_is_counted_on_its_own(tmp_path, collected_static):
    EventFactory(slug="proxy", capacity=None)
    proxies = _compose_default("TRUSTED_PROXY_COUNT")
    assert proxies == "1"
    env = _env(tmp_path, collected_static, TRUSTED_PROXY_COUNT=proxies, REGISTRATION_RATE_LIMIT="2")
    web, base_url = start_web(env=env, log_path=tmp_path / "web.log")

    def sign_up(client_address: str, n: int) -> int:
        browser = Browser(base_url)
        browser.opener.addheaders = [("X-Forwarded-For", client_address)]
        status, _html, _location = browser.post_form(
            "/events/proxy/register/",
            {
                "first_name": "Proxy", "last_name": f"Client {n}",
                "email": f"proxy{n}@example.org", "sex": "female", "country": "TN",
                "organization": "Ministry (fictional)", "category": "national_government",
                "language": "fr", "consent_processing": "on",
            },
        )  # fmt: skip
        return status

    try:
        codes = [
            sign_up("203.0.113.1", 0),
            sign_up("203.0.113.1", 1),
            sign_up("203.0.113.1", 2),  # the first over the limit for this client
            sign_up("203.0.113.2", 3),  # another client behind the same proxy
        ]
    finally:
        stop(web)
    assert codes == [302, 302, 429, 302]
    assert Registration.objects.count() == 3
