"""Deployment checks for what registrants receive by mail."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_site_url(app_configs=None, **kwargs):
    host = urlsplit(getattr(settings, "SITE_URL", "")).hostname or ""
    if host in {"", "localhost", "127.0.0.1", "::1"}:
        return [
            Warning(
                "SITE_URL points at this machine, so the personal links in registrants' mails "
                "would not open for them.",
                hint="Set SITE_URL to the public address, e.g. SITE_URL=https://webinars.example.org.",
                id="registration.W001",
            )
        ]
    return []
