"""WSGI entry point. Refuses to start when the production settings are incomplete.

gunicorn does not run Django's system checks, so the critical ones run here: a server without
a SECRET_KEY or ALLOWED_HOSTS stops at start with the check's message, not at the first request.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")

application = get_wsgi_application()

from webinar.checks import refuse_incomplete_settings  # noqa: E402  (needs the apps loaded)

refuse_incomplete_settings()
