"""WSGI entry point. Refuses to start when the production settings are incomplete.

gunicorn does not run Django's system checks, so the critical ones run here: a server without
a SECRET_KEY or ALLOWED_HOSTS stops at start with the check's message, not at the first request.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")

application = get_wsgi_application()


def _refuse_incomplete_settings() -> None:
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    from webinar.checks import check_production_settings

    errors = [e for e in check_production_settings() if e.level >= checks.ERROR]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))


_refuse_incomplete_settings()
