"""System checks that stop a misconfigured production start with a clear message."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


def refuse_incomplete_settings() -> None:
    """Stop a server (gunicorn, a worker) that would run production without its settings.

    The check is a deploy check, so that migrate, shell or makemigrations work anywhere; the
    processes that serve people call this at start instead.
    """
    errors = check_production_settings()
    if errors:
        raise ImproperlyConfigured("\n".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))


@register(Tags.security, deploy=True)
def check_production_settings(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.SECRET_KEY_MISSING:
        errors.append(
            Error(
                "SECRET_KEY is not set.",
                hint="Set the SECRET_KEY environment variable to a long random string "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=1 "
                "for local development.",
                id="webinar.E001",
            )
        )
    if not settings.SITE_URL:
        errors.append(
            Error(
                "SITE_URL is not set, so links in participants' mails would lead nowhere.",
                hint="Set SITE_URL to the site's public address, e.g. "
                "SITE_URL=https://webinars.example.org.",
                id="webinar.E003",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty, so every request would be refused.",
                hint="Set ALLOWED_HOSTS to the comma-separated host names the site is served "
                "under, e.g. ALLOWED_HOSTS=webinars.example.org.",
                id="webinar.E002",
            )
        )
    return errors


@register(deploy=True)
def check_site_url_is_https(app_configs=None, **kwargs):
    if settings.SITE_URL and not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                "SITE_URL does not start with https://: personal links in mails would travel "
                "unencrypted.",
                hint="Serve the site over HTTPS and set SITE_URL=https://...",
                id="webinar.W003",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is local to each process, so login rate limits are per process.",
                hint="Set REDIS_URL (or CACHE_URL) so that all web processes share one cache.",
                id="webinar.W001",
            )
        ]
    return []


@register(deploy=True)
def check_broker(app_configs=None, **kwargs):
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return [
            Warning(
                "The task broker is the single-host filesystem transport.",
                hint="Set CELERY_BROKER_URL or REDIS_URL to a Redis server in production.",
                id="webinar.W002",
            )
        ]
    return []
