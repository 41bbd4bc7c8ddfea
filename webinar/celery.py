"""The Celery application. Tasks are found in each app's ``tasks.py``."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")

app = Celery("webinar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport fails on folders that do not exist yet."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_init.connect
def _refuse_incomplete_settings(**kwargs):
    """A worker, like the web server, does not start on incomplete production settings."""
    from webinar.checks import refuse_incomplete_settings

    try:
        refuse_incomplete_settings()
    except ImproperlyConfigured as error:
        # Celery logs and ignores ordinary exceptions raised by signal handlers.
        raise SystemExit(f"ImproperlyConfigured: {error}") from error


@app.on_after_configure.connect
def _prepare_embedded_broker(sender, **kwargs):
    ensure_broker_folders()
