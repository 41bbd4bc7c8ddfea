"""Light pages: only the site's own small assets, compressed and cached for long, and the
reader's language chosen, switchable and remembered."""

from __future__ import annotations

import gzip
import re
import urllib.request

import pytest
from django.contrib.staticfiles import finders

from tests.factories import EventFactory, SessionFactory
from tests.trust.http import Browser
from tests.utils import production_env, start_web, stop

pytestmark = pytest.mark.django_db

# What a page loads; a <link rel="alternate"> only names another format of the page.
ASSET = re.compile(r'<(?:link(?![^>]*rel="alternate")|script|img)\b[^>]*\b(?:href|src)="([^"]+)"')
BUDGET = 40 * 1024  # bytes, compressed, a page with everything it loads


def _public_pages():
    event = EventFactory(slug="light")
    session = SessionFactory(event=event)
    return ["/", "/events/light/", "/events/light/register/", "/events/light/speakers/",
            f"/events/light/sessions/{session.pk}/"]  # fmt: skip


def test_public_pages_load_only_their_own_small_assets(client):
    for path in _public_pages():
        html = client.get(path).content
        weight = len(gzip.compress(html))
        for ref in ASSET.findall(html.decode()):
            assert ref.startswith(("/static/", "data:")), (path, ref)  # nothing third-party
            if ref.startswith("/static/"):
                with open(finders.find(ref.removeprefix("/static/")), "rb") as asset:
                    weight += len(gzip.compress(asset.read()))
        assert weight <= BUDGET, (path, weight)


def test_stylesheet_uses_the_system_fonts():
    with open(finders.find("css/site.css")) as stylesheet:
        css = stylesheet.read()
    assert "@font-face" not in css
    assert "@import" not in css


def test_language_is_switchable_and_remembered(client):
    EventFactory(slug="light")
    english = client.get("/events/light/", headers={"accept-language": "en"})
    assert '<html lang="en" dir="ltr">' in english.content.decode()
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/events/light/"})
    assert (response.status_code, response["Location"]) == (302, "/events/light/")
    # The choice outlives the browser's own preference, on every later page.
    again = client.get("/events/light/", headers={"accept-language": "en"})
    assert '<html lang="ar" dir="rtl">' in again.content.decode()
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_static_files_are_compressed_and_cached_for_long(tmp_path, collected_static):
    env = production_env(
        CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=collected_static, SECURE_SSL_REDIRECT="0",
    )  # fmt: skip
    process, base = start_web(env=env, log_path=tmp_path / "web.log")
    try:
        status, html, _location = Browser(base).get("/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
        request = urllib.request.Request(base + stylesheet, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    finally:
        stop(process)
