"""Options shared by the admin classes of every app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

# Links typed without a scheme are taken as https (Django 6's default, chosen now).
HTTPS_URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}
