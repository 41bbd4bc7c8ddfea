"""What the report rules share: build attempts and the errors they raise."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class MissingTranslations(Exception):
    """The requested language lacks texts; ``missing`` names them."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(f"{len(missing)} texts are not translated: " + "; ".join(missing[:10]))


class BuildNotPublishable(ValueError):
    """Only a build that succeeded has a file to share."""


class TransientBuildError(Exception):
    """Worth another try later (database or storage briefly unavailable)."""
