"""Weight of each public page with everything it loads, gzip-compressed, and its requests.

Goal (issue: light pages): at most 40 KB per page. The baseline, measured in the same run, is
the login page (the admin's own login form now sends visitors there): a plain form page with
its assets.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import urljoin, urlsplit

from bench.common import report, setup_django

ASSET = re.compile(
    r"""<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]*href|script[^>]+src|img[^>]+src)="([^"]+)\"""",
    re.IGNORECASE,
)
PAGE_LINK = re.compile(r'<a[^>]+href="(/events/[^"#?]*)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weigh(client, path: str) -> tuple[int, int]:
    """(compressed bytes, requests) for a page and the assets it references."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content
    total, requests = gz(html), 1
    for ref in sorted(set(ASSET.findall(html.decode()))):
        if ref.startswith("data:"):
            continue  # inline, already counted with the page
        url = urlsplit(urljoin(path, ref))
        if url.netloc:
            raise AssertionError(f"{path} loads a third-party resource: {ref}")
        if url.path.startswith(settings.STATIC_URL):
            found = finders.find(url.path[len(settings.STATIC_URL) :])
            with open(found, "rb") as handle:
                total += gz(handle.read())
        else:
            total += gz(client.get(url.path).content)
        requests += 1
    return total, requests


def public_pages(client) -> list[str]:
    """The home page, and one page of each kind reachable from it (two links deep)."""
    seen, frontier = ["/"], ["/"]
    kinds = set()
    for _ in range(2):
        found = []
        for path in frontier:
            for link in PAGE_LINK.findall(client.get(path).content.decode()):
                kind = re.sub(r"/events/[^/]+/", "/events/E/", re.sub(r"\d+", "N", link))
                if kind in kinds or link.endswith((".ics", ".json", "/download/")):
                    continue
                kinds.add(kind)
                if link not in seen:
                    seen.append(link)
                    found.append(link)
        frontier = found
    return seen


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        with open("/dev/null", "w") as devnull:
            call_command("seed_demo", stdout=devnull)
        client = Client()
        baseline, baseline_requests = weigh(client, "/accounts/login/")
        for path in public_pages(client):
            size, requests = weigh(client, path)
            report(
                f"page weight {path} (gzip, with assets; goal <= 40 KB)",
                size / 1024,
                "KB",
                baseline / 1024,
                "KB admin login page",
            )
            report(f"requests {path}", requests, "requests", baseline_requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
